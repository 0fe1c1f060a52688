using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record ReasoningStartEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ReasoningStart;
    public required string MessageId { get; init; }
}
