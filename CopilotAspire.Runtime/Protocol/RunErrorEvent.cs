using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>RUN_ERROR</c>: the run failed (wire spec §4.2, §4.6). Nothing of the run follows it. The runtime's own failures
/// carry a code from <see cref="RunErrorCodes"/>.
/// </summary>
public sealed record RunErrorEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.RunError;
    /// <summary>
    /// What went wrong, for the user to read. Provider errors are worded as the provider gave them, with secrets
    /// removed.
    /// </summary>
    public required string Message { get; init; }
    /// <summary>
    /// A machine-readable code, e.g. <c>INCOMPLETE_STREAM</c> when the agent ended without a terminal event
    /// (<see cref="RunErrorCodes"/>); omitted when <see langword="null"/>.
    /// </summary>
    public string? Code { get; init; }
    /// <summary>
    /// The run's thread, as the official BuiltInAgent writes it (§10.4); removed for AG-UI 1.0 clients, whose schema
    /// strips it (§22).
    /// </summary>
    public string? ThreadId { get; init; }
    /// <summary>The run's id; see <see cref="ThreadId"/>.</summary>
    public string? RunId { get; init; }
    /// <summary>Tokens spent before the failure, when the agent knows them.</summary>
    public IReadOnlyList<TokenUsage>? Usage { get; init; }
}
