using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Runners;

/// <summary>
/// One run's lifecycle as every runner applies it (wire spec §5.2), so that a runner decides only where the events go
/// and where the finished run is stored: the agent runs through the event pipeline (<see cref="AgentRunExecution"/>),
/// the request's input (with only the thread's new messages) is injected into the agent's bare <c>RUN_STARTED</c>,
/// the run is ended with <c>RUN_ERROR {code: EVENT_LIMIT_EXCEEDED}</c> once it reaches its event limit, and the
/// finished run is compacted with the message ids it makes known. <see cref="ReplayedMessages"/> is the connect's side.
/// </summary>
/// <example>
/// A runner's run, in short:
/// <code>
/// var newMessages = RunLifecycle.NewMessages(request.Input.Messages, (m, _) => known.Contains(m.Id));
/// var run = new RunLifecycle(request, newMessages, maxEventsPerRun, logger);
/// var log = new RunEventLog();
/// localRuns.Track(run.Execution, Task.Run(async () =>
/// {
///     await run.ExecuteAsync(e => log.Append(e));
///     if (run.Execution.HasAgentEvents) Store(RunLifecycle.Compact(log.Snapshot()));
///     log.Complete();
///     run.Dispose();
/// }));
/// return log.ReadAsync();
/// </code>
/// </example>
public sealed class RunLifecycle : IDisposable
{
    private readonly RunAgentInput _input;
    private readonly IReadOnlyList<Message> _newMessages;
    private readonly int _maxEvents;
    private int _count;

    /// <param name="request">The run to start.</param>
    /// <param name="newMessages">The request's messages the thread does not know yet (<see cref="NewMessages"/>).</param>
    /// <param name="maxEventsPerRun">The runner's event limit per run.</param>
    /// <param name="logger">Where the pipeline logs an agent's failure.</param>
    public RunLifecycle(AgentRunRequest request, IReadOnlyList<Message> newMessages, int maxEventsPerRun, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(newMessages);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEventsPerRun, 1);
        Request = request;
        _input = request.Input;
        _newMessages = newMessages;
        _maxEvents = maxEventsPerRun;
        Execution = new AgentRunExecution(request.Agent, request.Input, logger);
    }

    /// <summary>The run's request.</summary>
    public AgentRunRequest Request { get; }

    /// <summary>The agent's run (stop, abort, <see cref="AgentRunExecution.HasAgentEvents"/>; <see cref="LocalRuns"/> tracks it).</summary>
    public AgentRunExecution Execution { get; }

    /// <summary>
    /// Runs the agent to its end. Every event of the valid stream goes to <paramref name="append"/> in order, a bare
    /// <c>RUN_STARTED</c> with the request's input (only the new messages) injected; once the limit's number of events
    /// has been appended, the run is ended with <c>RUN_ERROR {code: EVENT_LIMIT_EXCEEDED}</c> (after the closing events
    /// of what is open). Nothing is allocated per event.
    /// </summary>
    /// <param name="append">Receives each event, in order, on the run's task.</param>
    /// <param name="idle">Called when the agent's next event is not ready yet (see <see cref="AgentRunExecution.ExecuteAsync"/>).</param>
    public Task ExecuteAsync(Action<AgUiEvent> append, Action? idle = null)
    {
        ArgumentNullException.ThrowIfNull(append);
        return Execution.ExecuteAsync(e =>
        {
            append(RunHistoryRules.InjectInput(e, _input, _newMessages));
            if (++_count == _maxEvents)
            {
                Execution.Abort(RunErrorCodes.EventLimitExceededMessage(_maxEvents), RunErrorCodes.EventLimitExceeded);
            }
            return ValueTask.CompletedTask;
        }, idle);
    }

    /// <summary>The messages of <paramref name="messages"/> that <paramref name="isKnown"/> (given each message and its index) says the thread does not know.</summary>
    public static List<Message> NewMessages(IReadOnlyList<Message> messages, Func<Message, int, bool> isKnown)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(isKnown);
        var fresh = new List<Message>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            if (!isKnown(messages[i], i))
            {
                fresh.Add(messages[i]);
            }
        }
        return fresh;
    }

    /// <summary>A finished run's events as the thread's history keeps them: compacted, with the message ids they make known.</summary>
    public static CompactedRun Compact(IEnumerable<AgUiEvent> events)
    {
        var compacted = EventCompactor.Compact(events);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        RunHistoryRules.CollectMessageIds(compacted, ids); // compaction keeps every message id, in fewer events
        return new CompactedRun(compacted, ids);
    }

    /// <summary>
    /// The events that close a run whose server stopped before it finished (another replica found it orphaned): its
    /// open messages, reasoning and tool calls closed, then <c>RUN_ERROR {code: RUN_INTERRUPTED}</c>. Empty for a run
    /// that wrote no event (it is not stored).
    /// </summary>
    public static List<AgUiEvent> InterruptedEnding(IEnumerable<AgUiEvent> written, string threadId, string runId)
    {
        ArgumentNullException.ThrowIfNull(written);
        var finalizer = new RunFinalizer();
        foreach (var e in written)
        {
            finalizer.Observe(e);
        }
        return finalizer.HasEvents
            ? finalizer.Finalize(RunEnding.Failed(RunErrorCodes.RunInterruptedMessage, RunErrorCodes.RunInterrupted), threadId, runId)
            : [];
    }

    /// <summary>Disposes the agent's run (once its events are stored).</summary>
    public void Dispose() => Execution.Dispose();
}
