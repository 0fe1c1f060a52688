using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record ThinkingEndEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ThinkingEnd;
}
