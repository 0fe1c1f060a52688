using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record ReasoningEndEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ReasoningEnd;
    public required string MessageId { get; init; }
}
