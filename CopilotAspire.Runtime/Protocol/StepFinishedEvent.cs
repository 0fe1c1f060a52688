using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>STEP_FINISHED</c>: the step of that name, opened by <see cref="StepStartedEvent"/>, ended (wire spec §4.2).
/// </summary>
public sealed record StepFinishedEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.StepFinished;
    /// <summary>The name the step was started with.</summary>
    public required string StepName { get; init; }
}
