using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record StepStartedEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.StepStarted;
    public required string StepName { get; init; }
}
