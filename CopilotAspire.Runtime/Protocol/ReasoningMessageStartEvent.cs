using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record ReasoningMessageStartEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ReasoningMessageStart;
    public required string MessageId { get; init; }
    public string Role { get; init; } = "reasoning";
}
