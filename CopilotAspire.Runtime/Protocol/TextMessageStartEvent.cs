using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record TextMessageStartEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.TextMessageStart;
    public required string MessageId { get; init; }
    public string? Role { get; init; } = "assistant";
    public string? Name { get; init; }
}
