using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record ThinkingStartEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ThinkingStart;
    public string? Title { get; init; }
}
