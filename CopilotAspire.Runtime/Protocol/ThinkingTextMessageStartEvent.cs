using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record ThinkingTextMessageStartEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ThinkingTextMessageStart;
}
