using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record ThinkingTextMessageContentEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ThinkingTextMessageContent;
    public required string Delta { get; init; }
}
