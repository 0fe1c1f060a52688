using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record ReasoningMessageEndEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ReasoningMessageEnd;
    public required string MessageId { get; init; }
}
