using System.Diagnostics;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Redis;

/// <summary>
/// A run this replica executes. Its events go to an in-memory <see cref="RunEventLog"/> (the client that started
/// the run reads from there) and to a single writer that appends them to the run's Redis Stream in batches: while
/// one batch is in flight the next accumulates, so a fast agent costs one round trip per batch, not per event. A
/// heartbeat renews the lock between writes. A write or heartbeat that fails because Redis is unavailable (a
/// timeout, a dropped connection, a server error such as LOADING) is retried, the same batch with the same indexes
/// (the append script skips entries already written), while the run's lease lasts: the last successful renewal +
/// <see cref="RedisAgentRunnerOptions.LockTtl"/>. Only when the lock is lost, or the lease runs out before Redis is
/// back, does the run detach from the store; it still finishes for its own client, and any replica later closes it
/// in Redis as interrupted.
/// </summary>
internal sealed partial class RedisActiveRun
{
    private readonly RedisAgentRunner _runner;
    private readonly RedisThreadKeys _keys;
    private readonly AgentRunRequest _request;
    private readonly RunLifecycle _run;
    private readonly AgentRunExecution _execution;
    // Every event of the run with its JSON, in order: the client that started the run reads it, the writer takes its
    // batches from it (no copy per event), the stored run is compacted from it.
    private readonly RunEventLog _log;
    private readonly RunJsonArena _json = new();
    private readonly ILogger _logger;
    private readonly long _leaseTicks;
    private volatile bool _detached;
    private volatile bool _ended; // the agent is done: the writer leaves the last batch to the finish
    private int _written; // events the writer has appended to the stream (the finish writes the rest)
    private long _entries; // the stream's entries: one per batch the writer appended (the finish checks its own landed after them)
    private int _writerRunning;
    private Task _writing = Task.CompletedTask; // the writer's latest run
    private int _heartbeating;
    private long _leaseUntil;
    private long _keysRenewedAt; // when the run's keys (active, seq, stream) last got ThreadTtl: the acquire, then a heartbeat

    /// <param name="runner">The runner that owns the run.</param>
    /// <param name="keys">The thread's keys.</param>
    /// <param name="token">The lock token the run holds.</param>
    /// <param name="seq">The run's sequence number in the thread.</param>
    /// <param name="request">The run's request.</param>
    /// <param name="newMessages">The input's messages the thread has not stored yet.</param>
    /// <param name="leaseStart">A <see cref="Stopwatch"/> timestamp taken before the lock was acquired.</param>
    public RedisActiveRun(RedisAgentRunner runner, RedisThreadKeys keys, string token, long seq, AgentRunRequest request, IReadOnlyList<Message> newMessages, long leaseStart)
    {
        _leaseTicks = (long)(runner.Options.LockTtl.TotalSeconds * Stopwatch.Frequency);
        _leaseUntil = leaseStart + _leaseTicks;
        _keysRenewedAt = leaseStart;
        _runner = runner;
        _keys = keys;
        _request = request;
        _logger = runner.Logger;
        Token = token;
        Seq = seq;
        _log = new RunEventLog(RedisEventId.RawPrefix(seq)); // event K's id is seq.K, formatted only when written
        _run = new RunLifecycle(request, newMessages, runner.Options.MaxEventsPerRun, _logger);
        _execution = _run.Execution;
    }

    public string Token { get; }

    public long Seq { get; }

    public Task Completion { get; private set; } = Task.CompletedTask;

    public AgentRunExecution Execution => _execution;

    /// <summary>Starts the agent on the caller's thread (it moves to the thread pool at its first wait: no hop for a run that has events ready).</summary>
    public void Start() => Completion = RunAsync();

    public void RequestStop() => _execution.RequestStop();

    /// <summary>The run's events from its start, from memory, each with its id <c>seq.K</c> (given when appended).</summary>
    public IAsyncEnumerable<RunnerEvent> ReadAsync() => _log.ReadAsync(0);

    private async Task RunAsync()
    {
        var options = _runner.Options;
        var max = options.MaxWriteBatch;
        try
        {
            await _run.ExecuteAsync(e =>
            {
                // Serialized once: for the Redis stream, the stored run and the local readers' frames.
                _log.Append(e, _json.Add(e));
                var count = _log.Count;
                if (count - Volatile.Read(ref _written) >= max)
                {
                    KickWriter();
                }
            }, idle: () =>
            {
                if (_log.Count > Volatile.Read(ref _written))
                {
                    KickWriter(); // the agent waits: what it has emitted goes to Redis now
                }
            }).ConfigureAwait(false);
        }
        finally
        {
            _ended = true;
            if (_log.Count - Volatile.Read(ref _written) > max)
            {
                KickWriter(); // more than the finish takes
            }
            if (_detached || !_runner.IsConnected)
            {
                _log.Complete(); // the store is unreachable: do not hold the client's stream open for it
            }
            await _writing.ConfigureAwait(false);
            if (!_detached)
            {
                await StoreAsync().ConfigureAwait(false);
            }
            _runner.OnRunCompleted(this);
            _log.Complete();
            _run.Dispose();
        }
    }

    /// <summary>
    /// Starts the writer unless it is running. It is started when the agent waits with events unwritten, when a full
    /// batch (<see cref="RedisAgentRunnerOptions.MaxWriteBatch"/>) is pending, and at the end only if more than a batch
    /// is left: an agent that runs through without waiting (the fast case) never starts it, and its events go with the
    /// finish in one call (a run then costs two calls: start and finish).
    /// </summary>
    private void KickWriter()
    {
        if (Interlocked.CompareExchange(ref _writerRunning, 1, 0) == 0)
        {
            _writing = Task.Run(WriteLoopAsync);
        }
    }

    /// <summary>
    /// Appends what has accumulated, in batches of at most <see cref="RedisAgentRunnerOptions.MaxWriteBatch"/> (the
    /// events emitted while one batch is in flight go in the next), until nothing is pending; once the agent is done,
    /// it leaves the last batch to <see cref="StoreAsync"/>.
    /// </summary>
    private async Task WriteLoopAsync()
    {
        var max = _runner.Options.MaxWriteBatch;
        var batch = new List<RunnerEvent>(Math.Min(max, 256));
        while (true)
        {
            while (!_detached && HasWork(max))
            {
                batch.Clear();
                _log.CopyTo(_written, max, batch);
                await WriteBatchAsync(_written + 1, batch).ConfigureAwait(false);
                Volatile.Write(ref _written, _written + batch.Count);
            }
            Interlocked.Exchange(ref _writerRunning, 0);
            // An event (or the end) that came after the last check, whose kick found the writer still running.
            if (_detached || !HasWork(max) || Interlocked.CompareExchange(ref _writerRunning, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private bool HasWork(int max)
    {
        var pending = _log.Count - _written;
        return _ended ? pending > max : pending > 0;
    }

    /// <summary>Appends one batch, retrying it while Redis is unavailable and the lease lasts.</summary>
    private Task WriteBatchAsync(long firstIndex, List<RunnerEvent> batch) => WhileLeasedAsync(async _ =>
    {
        var sent = Stopwatch.GetTimestamp();
        var status = await _runner.AppendAsync(_keys, Token, Seq, firstIndex, batch).ConfigureAwait(false);
        if (status >= 0)
        {
            _entries++; // one entry per batch: a retried batch the script skips was written by the attempt that counts
        }
        OnStatus(status, sent);
    });

    /// <summary>
    /// Runs <paramref name="attempt"/> (told whether it is a retry) until it succeeds, the run detaches, or a failure is
    /// not retryable: failures while Redis is unavailable are retried with backoff while the run's lease lasts.
    /// </summary>
    private async Task WhileLeasedAsync(Func<bool, Task> attempt)
    {
        var retried = false;
        var backoff = TimeSpan.FromMilliseconds(50);
        while (!_detached)
        {
            try
            {
                await attempt(retried).ConfigureAwait(false);
                return;
            }
#pragma warning disable CA1031 // Whatever the store does, the run goes on for its own client.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (!Retryable(ex))
                {
                    return;
                }
            }
            retried = true;
            await Task.Delay(Min(backoff, RemainingLease)).ConfigureAwait(false);
            backoff = Min(backoff * 2, TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>
    /// Renews the lock and the run's keys (the runner's heartbeat calls it every <see cref="RedisAgentRunnerOptions.LockTtl"/>/3
    /// for each of its runs; a batch renews only the lock); a failure is retried at the next beat while the lease lasts.
    /// One at a time per run.
    /// </summary>
    public async Task HeartbeatAsync()
    {
        if (_detached || !NeedsHeartbeat() || Interlocked.Exchange(ref _heartbeating, 1) == 1)
        {
            return;
        }
        try
        {
            var sent = Stopwatch.GetTimestamp();
            _runner.Metrics.Heartbeats.Add(1);
            OnStatus(await _runner.AppendAsync(_keys, Token, Seq, 1, []).ConfigureAwait(false), sent);
            Volatile.Write(ref _keysRenewedAt, sent);
        }
#pragma warning disable CA1031 // Whatever the store does, the run goes on for its own client.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Retryable(ex); // the next beat tries again while the lease lasts
        }
        finally
        {
            Volatile.Write(ref _heartbeating, 0);
        }
    }

    /// <summary>
    /// Whether this beat must renew: not when a batch renewed the lock within the last beat (a lease of more than
    /// two thirds of <see cref="RedisAgentRunnerOptions.LockTtl"/> left) and the run's keys got their
    /// <see cref="RedisAgentRunnerOptions.ThreadTtl"/> less than half of it ago. A streaming run then costs no heartbeat
    /// calls: at thousands of runs the beats were a burst of one call per run every LockTtl/3 on top of the writes,
    /// which queued the writes behind them until leases ran out (see docs/redis.md, "Many runs at once").
    /// </summary>
    private bool NeedsHeartbeat()
    {
        var options = _runner.Options;
        var leaseFresh = RemainingLease > options.LockTtl * 2 / 3;
        var keysFresh = Stopwatch.GetElapsedTime(Volatile.Read(ref _keysRenewedAt)) < options.ThreadTtl / 2;
        return !(leaseFresh && keysFresh);
    }

    /// <summary>Handles the append script's answer to a call sent at <paramref name="sent"/>.</summary>
    private void OnStatus(int status, long sent)
    {
        if (status < 0)
        {
            Detach(null);
            return;
        }
        ExtendLease(sent + _leaseTicks); // the script renewed the lock no earlier than the call was sent
        if (status == 1)
        {
            _execution.RequestStop(); // a stop whose pub/sub message did not reach this replica
        }
    }

    /// <summary>
    /// After a failed call: <see langword="true"/> if it may be retried (Redis unavailable and the lease not over),
    /// otherwise the run detaches.
    /// </summary>
    private bool Retryable(Exception ex)
    {
        if (RedisAgentRunner.IsUnavailable(ex) && RemainingLease > TimeSpan.Zero)
        {
            _runner.Metrics.WriteRetries.Add(1);
            LogRetrying(_logger, _request.ThreadId, _request.Input.RunId, RemainingLease, ex);
            return true;
        }
        Detach(ex);
        return false;
    }

    private TimeSpan RemainingLease
    {
        get
        {
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), Volatile.Read(ref _leaseUntil));
            return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
        }
    }

    private void ExtendLease(long until)
    {
        var current = Volatile.Read(ref _leaseUntil);
        while (current < until)
        {
            var seen = Interlocked.CompareExchange(ref _leaseUntil, until, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private void Detach(Exception? exception)
    {
        if (_detached)
        {
            return;
        }
        _detached = true;
        _runner.Metrics.RunsDetached.Add(1);
        LogDetached(_logger, _request.ThreadId, _request.Input.RunId, exception is null ? "its lock was lost" : "Redis failed", exception);
    }

    /// <summary>Writes the events the writer left (the last batch), stores the compacted run and frees the thread.</summary>
    private async Task StoreAsync()
    {
        var rest = new List<RunnerEvent>(Math.Max(0, _log.Count - _written));
        _log.CopyTo(_written, int.MaxValue, rest);
        byte[]? stored = null;
        HashSet<string> ids = [];
        if (_execution.HasAgentEvents)
        {
            var plain = _log.Snapshot();
            // The stream's JSON of the events compaction keeps as they are (not deltas or state), written as is.
            var json = new Dictionary<AgUiEvent, ReadOnlyMemory<byte>>(ReferenceEqualityComparer.Instance);
            for (var i = 0; i < plain.Count; i++)
            {
                if (plain[i] is not (TextMessageContentEvent or ToolCallArgsEvent or StateSnapshotEvent or StateDeltaEvent))
                {
                    json[plain[i]] = _log.JsonAt(i);
                }
            }
            var compacted = RunLifecycle.Compact(plain);
            stored = StoredRunCodec.Serialize(new StoredRun(Seq, _request.Input.RunId, _request.AgentId, compacted.Events), json);
            ids = compacted.MessageIds;
        }
        await WhileLeasedAsync(async retried =>
        {
            var outcome = await _runner.FinishAsync(_keys, Token, Seq, _written + 1, rest, stored, ids, _entries).ConfigureAwait(false);
            for (var again = 0; again < 3 && outcome == RedisAgentRunner.FinishOutcome.BatchMissing; again++)
            {
                // The XADD reported no error but its entry is not there yet (a redirect during a slot move may deliver
                // it after the script): send both again; the entry's id makes a second XADD of it a no-op.
                await Task.Delay(TimeSpan.FromMilliseconds(50)).ConfigureAwait(false);
                outcome = await _runner.FinishAsync(_keys, Token, Seq, _written + 1, rest, stored, ids, _entries).ConfigureAwait(false);
            }
            // After a retry, "not the lock's owner" may mean the earlier attempt did finish the run.
            if (outcome != RedisAgentRunner.FinishOutcome.Stored && !(retried && outcome == RedisAgentRunner.FinishOutcome.NotOwner))
            {
                Detach(null);
            }
        }).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1011, Level = LogLevel.Debug, Message = "Writing run {RunId} of thread {ThreadId} to Redis failed; retrying while its lease lasts ({Remaining} left)")]
    private static partial void LogRetrying(ILogger logger, string threadId, string runId, TimeSpan remaining, Exception exception);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Run {RunId} of thread {ThreadId} continues for its own client only, no longer stored: {Reason}")]
    private static partial void LogDetached(ILogger logger, string threadId, string runId, string reason, Exception? exception);
}
