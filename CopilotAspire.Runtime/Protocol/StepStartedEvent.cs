using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>STEP_STARTED</c>: a named step of the agent began (wire spec §4.2). A step must be finished before the run
/// finishes (§4.3).
/// </summary>
public sealed record StepStartedEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.StepStarted;
    /// <summary>The step's name; at most one step of a name is open at a time.</summary>
    public required string StepName { get; init; }
}
