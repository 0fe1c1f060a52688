using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Pipeline;

/// <summary>
/// One run of one agent through the event pipeline: chunk expansion, the protocol's ordering rules, and
/// finalization. Whatever the agent does (completes, throws, breaks a rule, is stopped), the events handed to
/// the sink form a valid stream with exactly one terminal event. Runners own where the events go.
/// </summary>
public sealed partial class AgentRunExecution : IDisposable
{
    private readonly AbstractAgent _agent;
    private readonly RunAgentInput _input;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abort = new();
    private RunEnding? _forcedEnding;
    private int _stopRequested;

    /// <summary>Prepares one run; nothing runs until the runner starts it.</summary>
    /// <param name="agent">The per-request clone of the agent.</param>
    /// <param name="input">The run's input.</param>
    /// <param name="logger">Where protocol violations and agent failures are logged.</param>
    /// <exception cref="ArgumentNullException"><paramref name="agent"/> or <paramref name="input"/> is
    /// <see langword="null"/>.</exception>
    public AgentRunExecution(AbstractAgent agent, RunAgentInput input, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(input);
        _agent = agent;
        _input = input;
        _logger = logger;
    }

    /// <summary>The run's thread (<see cref="RunAgentInput.ThreadId"/>).</summary>
    public string ThreadId => _input.ThreadId;

    /// <summary>The run's id (<see cref="RunAgentInput.RunId"/>).</summary>
    public string RunId => _input.RunId;

    /// <summary>A stop was requested (the run will finish with <c>RUN_FINISHED</c>).</summary>
    public bool StopRequested => Volatile.Read(ref _stopRequested) == 1;

    /// <summary>The agent produced at least one event (a run that fails before any is not stored).</summary>
    public bool HasAgentEvents { get; private set; }

    /// <summary>The agent's work is being cancelled (stop or abort).</summary>
    public CancellationToken AbortToken => _abort.Token;

    /// <summary>Requests a stop: the agent's token is cancelled; open messages are closed and the run finishes.</summary>
    /// <returns><see langword="false"/> if a stop was already requested.</returns>
    public bool RequestStop()
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) == 1)
        {
            return false;
        }
        try
        {
            _abort.Cancel();
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false; // the run finished (and was disposed) between the runner's check and this call
        }
    }

    /// <summary>Ends the run with <c>RUN_ERROR {message, code}</c> (a limit was reached, the store failed…).</summary>
    public void Abort(string message, string code)
    {
        _forcedEnding ??= RunEnding.Failed(message, code);
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run ended (and was disposed) meanwhile: there is nothing left to end.
        }
    }

    /// <summary>Runs the agent to its end, handing each event of the valid stream to <paramref name="sink"/> in order.</summary>
    /// <param name="sink">Receives each event; awaited before the next one.</param>
    /// <param name="idle">
    /// Called when the agent's next event is not ready yet (it is waiting, e.g. for a model), so a runner that batches
    /// its writes can write what it has instead of waking a writer per event.
    /// </param>
    public async Task ExecuteAsync(Func<AgUiEvent, ValueTask> sink, Action? idle = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var expander = new ChunkExpander();
        var verifier = new EventVerifier();
        var protocolVersion = _input.ProtocolVersion;
        var version1 = AgUiProtocol.IsVersion1OrLater(protocolVersion);
        var finalizer = new RunFinalizer { CancelledOutcome = version1 };
        var expanded = new List<AgUiEvent>(4);
        string? failure = null;

        // What the agent sees, as AG-UI's prepareRunAgentInput builds it: no parentRunId, no activity messages.
        var agentInput = _input with
        {
            ParentRunId = null,
            Messages = _input.Messages.Any(m => m.Role == MessageRoles.Activity)
                ? _input.Messages.Where(m => m.Role != MessageRoles.Activity).ToList()
                : _input.Messages,
        };

        try
        {
            var source = _agent.RunAsync(agentInput, _abort.Token).WithCancellation(_abort.Token).GetAsyncEnumerator();
            await using var _ = source;
            while (true)
            {
                var next = source.MoveNextAsync();
                if (idle is not null && !next.GetAwaiter().IsCompleted)
                {
                    idle();
                }
                if (!await next)
                {
                    break;
                }
                expanded.Clear();
                expander.Process(source.Current, expanded);
                foreach (var produced in expanded)
                {
                    var e = produced is RunStartedEvent or RunFinishedEvent or RunErrorEvent ? ProtocolShapes.Apply(produced, protocolVersion, version1) : produced;
                    if (e is RunFinishedEvent && finalizer.HasOpenReasoning)
                    {
                        // Reasoning left open is closed first: AG-UI 1.0 clients refuse RUN_FINISHED otherwise.
                        var closers = new List<AgUiEvent>(2);
                        finalizer.CloseReasoning(closers);
                        foreach (var closer in closers)
                        {
                            verifier.Verify(closer);
                            await sink(closer);
                        }
                    }
                    verifier.Verify(e);
                    finalizer.Observe(e);
                    HasAgentEvents = true;
                    await sink(e);
                }
                if (_forcedEnding is not null)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Stopped or aborted: the agent ended as asked.
        }
        catch (ProtocolViolationException ex)
        {
            failure = ex.Message;
            LogProtocolViolation(_logger, _input.ThreadId, _input.RunId, ex.Message);
        }
#pragma warning disable CA1031 // Any agent failure becomes RUN_ERROR in-band; nothing may escape the run.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex.Message;
            LogAgentFailed(_logger, _input.ThreadId, _input.RunId, ex);
        }

        var ending = _forcedEnding
            ?? (StopRequested ? new RunEnding(true, failure) : failure is not null ? RunEnding.Failed(failure) : RunEnding.Completed);
        foreach (var e in finalizer.Finalize(ending, _input.ThreadId, _input.RunId))
        {
            await sink(e);
        }
    }

    /// <summary>Releases the run's cancellation source; call it once the run has ended.</summary>
    public void Dispose() => _abort.Dispose();

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Agent run {ThreadId}/{RunId} broke the AG-UI protocol: {Violation}")]
    private static partial void LogProtocolViolation(ILogger logger, string threadId, string runId, string violation);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Agent run {ThreadId}/{RunId} failed")]
    private static partial void LogAgentFailed(ILogger logger, string threadId, string runId, Exception exception);
}
