using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record TextMessageContentEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.TextMessageContent;
    public required string MessageId { get; init; }
    public required string Delta { get; init; }
}
