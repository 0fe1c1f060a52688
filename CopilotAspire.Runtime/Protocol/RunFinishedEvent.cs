using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>RUN_FINISHED</c>: the run ended normally, or was stopped (wire spec §4.2, §4.6). Nothing of the run follows it. A
/// stop ends with <c>threadId</c> and <c>runId</c> set, unlike the official runtime's bare event, and with
/// <c>outcome</c> <c>{"type":"cancelled"}</c> for AG-UI 1.0 clients (§22).
/// </summary>
public sealed record RunFinishedEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.RunFinished;
    /// <summary>
    /// The run's thread. The client's schema requires it: the runtime's own terminal events set it; an agent that sends
    /// a bare <c>RUN_FINISHED</c> leaves it <see langword="null"/> (omitted).
    /// </summary>
    public string? ThreadId { get; init; }
    /// <summary>The run's id; required by the client's schema, as <see cref="ThreadId"/>.</summary>
    public string? RunId { get; init; }
    /// <summary>
    /// Any JSON value the agent returns as the run's result (the client hands it to <c>runAgent</c>'s caller); omitted
    /// when <see langword="null"/>.
    /// </summary>
    public JsonElement? Result { get; init; }
    /// <summary>
    /// Why the model stopped, as the built-in agent reports it: <c>stop</c>, <c>length</c>, <c>tool-calls</c>,
    /// <c>content-filter</c>, <c>other</c> or <c>unknown</c> (the AI SDK's names). For AG-UI 1.0 runs the runtime moves it
    /// to <c>metadata.finishReason</c> (§22).
    /// </summary>
    public string? FinishReason { get; init; }
    /// <summary>
    /// Token counts of the run, one entry per model or provider; omitted when the agent reports none.
    /// </summary>
    public IReadOnlyList<TokenUsage>? Usage { get; init; }
    /// <summary>
    /// How the run ended: <c>{"type":"success"}</c>, <c>{"type":"interrupt","interrupts":[…]}</c> (the agent waits for
    /// the client to resume it) or, for 1.0 clients, <c>{"type":"cancelled"}</c> after a stop. A JSON value kept as it
    /// is; <see langword="null"/> is the same as absent.
    /// </summary>
    public JsonElement? Outcome { get; init; }
}
