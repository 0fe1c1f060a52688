using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record StepFinishedEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.StepFinished;
    public required string StepName { get; init; }
}
