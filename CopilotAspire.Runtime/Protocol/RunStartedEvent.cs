using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

// Property order in each record is the order the fields appear on the wire.

/// <summary>
/// <c>RUN_STARTED</c>: the first event of every run (wire spec §4.2, §4.3). The runtime writes the run's input into the
/// event it stores and replays, so a connect can rebuild the conversation.
/// </summary>
public sealed record RunStartedEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.RunStarted;
    /// <summary>The conversation the run belongs to (<see cref="RunAgentInput.ThreadId"/>).</summary>
    public required string ThreadId { get; init; }
    /// <summary>The id of this run, unique within the thread (<see cref="RunAgentInput.RunId"/>).</summary>
    public required string RunId { get; init; }
    /// <summary>AG-UI 1.0: the protocol version of the run, echoed from <see cref="RunAgentInput.ProtocolVersion"/> (wire spec §22).</summary>
    public string? ProtocolVersion { get; init; }
    /// <summary>
    /// The run this one continues, when the client named one; <see langword="null"/> (omitted) otherwise.
    /// </summary>
    public string? ParentRunId { get; init; }
    /// <summary>
    /// The request that started the run, its messages only those new to the thread. Agents leave it
    /// <see langword="null"/>; the runner fills it in, so the stream and a connect's replay show the user's messages.
    /// </summary>
    public RunAgentInput? Input { get; init; }
}
