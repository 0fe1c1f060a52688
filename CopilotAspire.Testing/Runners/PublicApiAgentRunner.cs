using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CopilotAspire.Testing.Runners;

/// <summary>
/// A third runner, written outside CopilotAspire.Runtime against its public API alone (this assembly gets no
/// <c>InternalsVisibleTo</c>): what someone writing a runner for another store starts from. The run lifecycle comes
/// from <see cref="RunLifecycle"/>, a run's live events from <see cref="RunEventLog"/>, draining from
/// <see cref="LocalRuns"/>, a connect's skipping from <see cref="ReplayedMessages"/>; this class only keeps threads
/// (in a dictionary, no eviction). It passes the same contract suite as the in-memory and Redis runners.
/// </summary>
public sealed class PublicApiAgentRunner(int maxEventsPerRun = 250_000, int maxRunsPerThread = 100, ILogger? logger = null) : AgentRunner
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ThreadKey, ThreadState> _threads = [];
    private readonly LocalRuns _local = new();
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    public override ValueTask<IAsyncEnumerable<RunnerEvent>> RunAsync(AgentRunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RunLifecycle run;
        var log = new RunEventLog();
        lock (_gate)
        {
            if (!_threads.TryGetValue(request.Thread, out var thread))
            {
                _threads[request.Thread] = thread = new ThreadState();
            }
            if (thread.Active is not null)
            {
                return ValueTask.FromResult(AsyncEnumerable.Empty<RunnerEvent>());
            }
            var known = thread.Runs.SelectMany(r => r.MessageIds).ToHashSet(StringComparer.Ordinal);
            run = new RunLifecycle(request, RunLifecycle.NewMessages(request.Input.Messages, (m, _) => known.Contains(m.Id)), maxEventsPerRun, _logger);
            thread.Active = run;
            thread.ActiveLog = log;
        }
        _local.Track(run.Execution, CompleteAsync(run, log));
        return ValueTask.FromResult(log.ReadAsync());
    }

    private async Task CompleteAsync(RunLifecycle run, RunEventLog log)
    {
        try
        {
            await run.ExecuteAsync(e => log.Append(e)).ConfigureAwait(false);
        }
        finally
        {
            var compacted = run.Execution.HasAgentEvents ? RunLifecycle.Compact(log.Snapshot()) : null;
            lock (_gate)
            {
                var thread = _threads[run.Request.Thread];
                if (compacted is not null)
                {
                    thread.Runs.Add(new StoredRun(new SerializedEvents(compacted.Events), compacted.MessageIds));
                    if (thread.Runs.Count > maxRunsPerThread)
                    {
                        thread.Runs.RemoveAt(0);
                    }
                }
                thread.Active = null;
                thread.ActiveLog = null;
            }
            log.Complete();
            run.Dispose();
        }
    }

    public override ValueTask<IAsyncEnumerable<RunnerEvent>> ConnectAsync(AgentConnectRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            return ValueTask.FromResult(_threads.TryGetValue(request.Thread, out var thread)
                ? Replay([.. thread.Runs], thread.ActiveLog, cancellationToken)
                : AsyncEnumerable.Empty<RunnerEvent>());
        }
    }

    private static async IAsyncEnumerable<RunnerEvent> Replay(List<StoredRun> runs, RunEventLog? active, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var replayed = new ReplayedMessages();
        foreach (var run in runs)
        {
            for (var i = 0; i < run.Events.Count; i++)
            {
                replayed.Add(run.Events.MessageIdOf(i));
                yield return new RunnerEvent(run.Events, i);
            }
        }
        if (active is null)
        {
            yield break;
        }
        await foreach (var e in active.ReadAsync(0, cancellationToken).ConfigureAwait(false))
        {
            if (!replayed.Skips(e.Event))
            {
                yield return e;
            }
        }
    }

    public override ValueTask<bool> IsRunningAsync(ThreadKey thread, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_threads.TryGetValue(thread, out var t) && t.Active is { Execution.StopRequested: false });
        }
    }

    public override ValueTask<StopResult> StopAsync(ThreadKey thread, string? runId, CancellationToken cancellationToken)
    {
        RunLifecycle? active;
        lock (_gate)
        {
            active = _threads.TryGetValue(thread, out var t) ? t.Active : null;
        }
        if (active is null || active.Execution.StopRequested)
        {
            return ValueTask.FromResult(StopResult.NotRunning);
        }
        if (runId is not null && runId != active.Request.Input.RunId)
        {
            return ValueTask.FromResult(StopResult.NotActiveRun);
        }
        return ValueTask.FromResult(active.Execution.RequestStop() ? StopResult.StoppedResult : StopResult.NotRunning);
    }

    public override Task WhenIdleAsync(CancellationToken cancellationToken) => _local.WhenIdleAsync(cancellationToken);

    public override Task InterruptRunsAsync(CancellationToken cancellationToken) => _local.InterruptAsync(cancellationToken);

    private sealed class ThreadState
    {
        public List<StoredRun> Runs { get; } = [];
        public RunLifecycle? Active { get; set; }
        public RunEventLog? ActiveLog { get; set; }
    }

    private sealed record StoredRun(SerializedEvents Events, HashSet<string> MessageIds);
}
