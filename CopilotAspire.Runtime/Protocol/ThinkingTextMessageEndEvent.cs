using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record ThinkingTextMessageEndEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ThinkingTextMessageEnd;
}
