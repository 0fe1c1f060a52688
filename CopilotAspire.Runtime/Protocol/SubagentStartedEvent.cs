using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>SUBAGENT_STARTED</c> (AG-UI 0.0.59): a sub-agent's run begins inside this run (wire spec §4.2). Its events carry
/// its <see cref="AgUiEvent.SubagentRunId"/>, which this event sets and which must be new.
/// </summary>
public sealed record SubagentStartedEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.SubagentStarted;
    /// <summary>The sub-agent's name.</summary>
    [JsonPropertyOrder(-1)]
    public required string Name { get; init; }
    /// <summary>What the sub-agent does, for display.</summary>
    public string? Description { get; init; }
    /// <summary>
    /// The sub-agent that started this one, when they nest; <see langword="null"/> for one started by the run itself.
    /// </summary>
    public string? ParentSubagentRunId { get; init; }
    /// <summary>The tool call that started the sub-agent, if one did.</summary>
    public string? ParentToolCallId { get; init; }
    /// <summary>The message the sub-agent belongs to, if any.</summary>
    public string? ParentMessageId { get; init; }
}
