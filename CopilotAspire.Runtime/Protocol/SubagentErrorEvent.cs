using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>SUBAGENT_ERROR</c> (AG-UI 0.0.59): the sub-agent of <see cref="AgUiEvent.SubagentRunId"/> failed (wire spec
/// §4.2); the run itself goes on.
/// </summary>
public sealed record SubagentErrorEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.SubagentError;
    /// <summary>What went wrong.</summary>
    public required string Message { get; init; }
    /// <summary>A machine-readable code, if the agent gives one.</summary>
    public string? Code { get; init; }
}
