using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record ReasoningMessageContentEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ReasoningMessageContent;
    public required string MessageId { get; init; }
    public required string Delta { get; init; }
}
