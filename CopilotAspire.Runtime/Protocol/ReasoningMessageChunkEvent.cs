using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record ReasoningMessageChunkEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ReasoningMessageChunk;
    public string? MessageId { get; init; }
    public string? Delta { get; init; }
}
