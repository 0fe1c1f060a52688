using System.Runtime.CompilerServices;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners.Threads;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Runtime.Runners;

/// <summary>
/// The default runner: threads live in this process's memory, bounded by <see cref="InMemoryAgentRunnerOptions"/>
/// (LRU eviction that never touches a running thread). Unlike the official runtime, each instance has its own
/// store. History does not survive a restart and is not shared across replicas: use the Redis runner for that.
/// </summary>
public sealed partial class InMemoryAgentRunner : AgentRunner, IThreadStore
{
    private readonly InMemoryAgentRunnerOptions _options;
    private readonly ILogger<InMemoryAgentRunner> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<ThreadKey, ThreadState> _threads = []; // keyed by scope and thread id: scopes never meet
    private readonly LinkedList<ThreadState> _lru = new();
    private readonly LocalRuns _local = new();
    private long _bytes;
    private bool _warnedEviction;

    /// <summary>A runner with its own empty store.</summary>
    /// <param name="options">The limits; <see langword="null"/> takes the defaults of
    /// <see cref="InMemoryAgentRunnerOptions"/>.</param>
    /// <param name="logger">Where it logs; <see langword="null"/> logs nothing.</param>
    public InMemoryAgentRunner(IOptions<InMemoryAgentRunnerOptions>? options = null, ILogger<InMemoryAgentRunner>? logger = null)
    {
        _options = options?.Value ?? new InMemoryAgentRunnerOptions();
        _logger = logger ?? NullLogger<InMemoryAgentRunner>.Instance;
    }

    /// <summary>Threads currently held (for tests and diagnostics).</summary>
    public int ThreadCount
    {
        get
        {
            lock (_gate)
            {
                return _threads.Count;
            }
        }
    }

    /// <summary>Approximate bytes of stored history.</summary>
    public long StoredBytes => Interlocked.Read(ref _bytes);

    /// <inheritdoc/>
    public override ValueTask<IAsyncEnumerable<RunnerEvent>> RunAsync(AgentRunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ThreadState thread;
        RunEventLog log;
        RunLifecycle run;
        lock (_gate)
        {
            thread = GetOrCreate(request.Thread);
            if (thread.Execution is not null)
            {
                LogThreadBusy(_logger, request.ThreadId, request.Input.RunId);
                return ValueTask.FromResult(Empty());
            }
            var newMessages = RunLifecycle.NewMessages(request.Input.Messages, (m, _) => thread.MessageIds.ContainsKey(m.Id));
            Index(thread, request.AgentId);
            log = new RunEventLog();
            run = new RunLifecycle(request, newMessages, _options.MaxEventsPerRun, _logger);
            thread.Execution = run.Execution;
            thread.ActiveLog = log;
        }

        // The agent starts on the request's thread and moves to the thread pool at its first wait: an agent that has
        // events ready (or a whole run, like the scripted one) costs no thread hop and no wake-up of the stream.
        _local.Track(run.Execution, CompleteRunAsync(thread, log, run));
        return ValueTask.FromResult(log.ReadAsync(0));
    }

    /// <inheritdoc/>
    public override ValueTask<IAsyncEnumerable<RunnerEvent>> ConnectAsync(AgentConnectRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<StoredRun> runs;
        RunEventLog? active;
        lock (_gate)
        {
            if (!_threads.TryGetValue(request.Thread, out var thread))
            {
                return ValueTask.FromResult(Empty());
            }
            Touch(thread);
            runs = [.. thread.Runs]; // stored runs are immutable: copy the references, flatten outside the lock
            active = thread.ActiveLog;
        }
        return ValueTask.FromResult(Replay(runs, active));
    }

    /// <inheritdoc/>
    public override ValueTask<bool> IsRunningAsync(ThreadKey thread, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_threads.TryGetValue(thread, out var t) && t.Execution is { StopRequested: false });
        }
    }

    /// <inheritdoc/>
    public override ValueTask<StopResult> StopAsync(ThreadKey thread, string? runId, CancellationToken cancellationToken)
    {
        AgentRunExecution? execution;
        lock (_gate)
        {
            if (!_threads.TryGetValue(thread, out var state) || state.Execution is not { } e || e.StopRequested)
            {
                return ValueTask.FromResult(StopResult.NotRunning);
            }
            if (runId is not null && runId != e.RunId)
            {
                return ValueTask.FromResult(StopResult.NotActiveRun);
            }
            execution = e;
        }
        return ValueTask.FromResult(execution.RequestStop() ? StopResult.StoppedResult : StopResult.NotRunning);
    }

    /// <inheritdoc/>
    public override Task WhenIdleAsync(CancellationToken cancellationToken) => _local.WhenIdleAsync(cancellationToken);

    /// <inheritdoc/>
    public override Task InterruptRunsAsync(CancellationToken cancellationToken) => _local.InterruptAsync(cancellationToken);

    private async Task CompleteRunAsync(ThreadState thread, RunEventLog log, RunLifecycle run)
    {
        var request = run.Request;
        try
        {
            await run.ExecuteAsync(e => log.Append(e)).ConfigureAwait(false);
        }
        finally
        {
            // Compaction and sizing happen outside the runner-wide lock (a large run must not stall other threads),
            // and nothing here may throw: the thread must always be released and the log completed.
            StoredRun? stored = null;
            if (run.Execution.HasAgentEvents)
            {
                try
                {
                    var compacted = RunLifecycle.Compact(log.Snapshot());
                    var serialized = new SerializedEvents(compacted.Events); // once: every connect writes these bytes
                    stored = new StoredRun(request.Input.RunId, request.AgentId, serialized, serialized.Bytes, compacted.MessageIds);
                }
#pragma warning disable CA1031 // A run that cannot be stored is logged; the thread must still be released.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogStoreFailed(_logger, request.ThreadId, request.Input.RunId, ex);
                }
            }
            lock (_gate)
            {
                if (stored is not null)
                {
                    Store(thread, stored);
                }
                thread.Execution = null;
                thread.ActiveLog = null;
                EvictIfNeeded(thread);
            }
            log.Complete();
            run.Dispose();
        }
    }

    private void Store(ThreadState thread, StoredRun run)
    {
        thread.Runs.Add(run);
        thread.Bytes += run.Bytes;
        _bytes += run.Bytes;
        foreach (var id in run.MessageIds)
        {
            thread.MessageIds[id] = thread.MessageIds.GetValueOrDefault(id) + 1;
        }
        while (thread.Runs.Count > _options.MaxRunsPerThread)
        {
            var dropped = thread.Runs[0];
            thread.Runs.RemoveAt(0);
            thread.Bytes -= dropped.Bytes;
            _bytes -= dropped.Bytes;
            foreach (var id in dropped.MessageIds)
            {
                if (--thread.MessageIds[id] == 0)
                {
                    thread.MessageIds.Remove(id);
                }
            }
        }
    }

    private ThreadState GetOrCreate(ThreadKey key)
    {
        if (!_threads.TryGetValue(key, out var thread))
        {
            thread = new ThreadState(key);
            thread.Node = _lru.AddFirst(thread);
            _threads[key] = thread;
            EvictIfNeeded(thread);
        }
        else
        {
            Touch(thread);
        }
        return thread;
    }

    private void Touch(ThreadState thread)
    {
        if (thread.Node is { } node && node != _lru.First)
        {
            _lru.Remove(node);
            _lru.AddFirst(node);
        }
    }

    /// <summary>Evicts least recently used idle threads (never <paramref name="keep"/>, never a running one) past the limits.</summary>
    private void EvictIfNeeded(ThreadState keep)
    {
        var node = _lru.Last;
        while (node is not null && (_threads.Count > _options.MaxThreads || _bytes > _options.MaxBytes))
        {
            var previous = node.Previous;
            var candidate = node.Value;
            if (candidate != keep && candidate.Execution is null)
            {
                Remove(candidate);
                if (!_warnedEviction)
                {
                    _warnedEviction = true;
                    LogEvicting(_logger, _options.MaxThreads, _options.MaxBytes);
                }
            }
            node = previous;
        }
    }

    private static async IAsyncEnumerable<RunnerEvent> Replay(List<StoredRun> history, RunEventLog? active, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Only a connect that tails an active run needs the replayed message ids (to skip them in the run).
        var replayed = active is null ? null : new ReplayedMessages();
        foreach (var run in history)
        {
            var events = run.Events;
            for (var i = 0; i < events.Count; i++)
            {
                replayed?.Add(events.MessageIdOf(i));
                yield return new RunnerEvent(events, i);
            }
        }
        if (active is null)
        {
            yield break;
        }
        await foreach (var e in active.ReadAsync(0, cancellationToken).ConfigureAwait(false))
        {
            if (replayed!.Skips(e.Event))
            {
                continue;
            }
            yield return e;
        }
    }

    private static IAsyncEnumerable<RunnerEvent> Empty() => AsyncEnumerable.Empty<RunnerEvent>();

    private sealed class ThreadState(ThreadKey key)
    {
        public ThreadKey Key { get; } = key;
        public ThreadMetadata Metadata { get; set; }
        public LinkedListNode<ThreadState>? Node { get; set; }
        public List<StoredRun> Runs { get; } = [];
        /// <summary>Message ids of the stored runs (RUN_STARTED.input filtering), each with the number of runs holding it.</summary>
        public Dictionary<string, int> MessageIds { get; } = new(StringComparer.Ordinal);
        public AgentRunExecution? Execution { get; set; }
        public RunEventLog? ActiveLog { get; set; }
        public long Bytes { get; set; }
    }

    private sealed record StoredRun(string RunId, string AgentId, SerializedEvents Events, long Bytes, HashSet<string> MessageIds);

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Thread {ThreadId} already has an active run; run {RunId} gets an empty stream")]
    private static partial void LogThreadBusy(ILogger logger, string threadId, string runId);

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Run {ThreadId}/{RunId} could not be stored; the thread is released without it")]
    private static partial void LogStoreFailed(ILogger logger, string threadId, string runId, Exception exception);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "In-memory runner is evicting idle threads (limits: {MaxThreads} threads, {MaxBytes} bytes)")]
    private static partial void LogEvicting(ILogger logger, int maxThreads, long maxBytes);
}
