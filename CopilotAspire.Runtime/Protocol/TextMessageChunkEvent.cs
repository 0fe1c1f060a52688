using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record TextMessageChunkEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.TextMessageChunk;
    public string? MessageId { get; init; }
    public string? Role { get; init; }
    public string? Delta { get; init; }
    public string? Name { get; init; }
}
