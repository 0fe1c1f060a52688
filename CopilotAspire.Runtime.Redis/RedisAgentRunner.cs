using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.CompilerServices;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CopilotAspire.Runtime.Redis;

/// <summary>
/// A runner whose threads live in Redis, so any number of replicas behave as one runtime: a run started on one
/// replica can be connected to, resumed (<c>Last-Event-ID</c>) and stopped from any other, and "one active run per
/// thread" holds across all of them. The replica that runs an agent streams to its own client from memory and
/// writes the events to a Redis Stream in batches; connects replay the thread's compacted history and tail the
/// stream, woken by pub/sub. See <see cref="RedisThreadKeys"/> for the data model and <see cref="RedisEventId"/>
/// for event ids.
/// </summary>
public sealed partial class RedisAgentRunner : AgentRunner, IAsyncDisposable
{
    /// <summary>The <c>RUN_ERROR.code</c> of a run that emitted more than <see cref="RedisAgentRunnerOptions.MaxEventsPerRun"/> events.</summary>
    public const string EventLimitCode = InMemoryAgentRunner.EventLimitCode;

    /// <summary>The <c>RUN_ERROR.code</c> that closes a run whose replica died (its lock expired) before it finished.</summary>
    public const string InterruptedCode = LocalRuns.InterruptedCode;

    public const string InterruptedMessage = LocalRuns.InterruptedMessage;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisAgentRunnerOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, RedisActiveRun> _runs = new(StringComparer.Ordinal);
    private readonly LocalRuns _local = new();
    private readonly RedisChannel _stopChannel;
    private readonly Lock _subscribeGate = new();
    private Task? _stopSubscription;
    private int _disposed;

    public RedisAgentRunner(IConnectionMultiplexer redis, IOptions<RedisAgentRunnerOptions> options, ILogger<RedisAgentRunner>? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _options = options.Value;
        _logger = logger ?? NullLogger<RedisAgentRunner>.Instance;
        Metrics = new RedisRunnerMetrics(meterFactory);
        ReplicaId = Guid.NewGuid().ToString("N");
        _stopChannel = RedisChannel.Literal($"{_options.KeyPrefix}replica:{ReplicaId}:stop");
    }

    /// <summary>This runner's identity in run ownership (the lock token and the stop channel).</summary>
    public string ReplicaId { get; }

    internal RedisAgentRunnerOptions Options => _options;
    internal ILogger Logger => _logger;
    internal RedisRunnerMetrics Metrics { get; }
    internal IDatabase Database => _redis.GetDatabase();

    public override async ValueTask<IAsyncEnumerable<RunnerEvent>> RunAsync(AgentRunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = RedisRunnerTelemetry.ActivitySource.StartActivity("copilot.redis.run.start");
        activity?.SetTag("agui.thread_id", request.ThreadId);
        activity?.SetTag("agui.run_id", request.Input.RunId);
        ThrowIfUnavailable();
        try
        {
            var keys = KeysFor(request.Thread);
            await EnsureStopSubscriptionAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            var token = ReplicaId + "/" + Guid.NewGuid().ToString("N");
            var leaseStart = Stopwatch.GetTimestamp(); // the lock's PX starts no earlier than this
            var acquired = await AcquireAsync(keys, token, request).ConfigureAwait(false);
            if (acquired.Outcome == AcquireOutcome.Orphan)
            {
                await RecoverOrphanAsync(keys).ConfigureAwait(false);
                leaseStart = Stopwatch.GetTimestamp();
                acquired = await AcquireAsync(keys, token, request).ConfigureAwait(false);
            }
            if (acquired.Outcome != AcquireOutcome.Acquired)
            {
                LogThreadBusy(_logger, request.ThreadId, request.Input.RunId);
                return AsyncEnumerable.Empty<RunnerEvent>();
            }

            var newMessages = new List<Message>(request.Input.Messages.Count);
            for (var i = 0; i < request.Input.Messages.Count; i++)
            {
                if (!acquired.Known[i])
                {
                    newMessages.Add(request.Input.Messages[i]);
                }
            }
            var run = new RedisActiveRun(this, keys, token, acquired.Seq, request, newMessages, leaseStart);
            _runs[token] = run;
            run.Start();
            _local.Track(run.Execution, run.Completion);
            return run.ReadAsync();
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }
    }

    public override async ValueTask<IAsyncEnumerable<RunnerEvent>> ConnectAsync(AgentConnectRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = RedisRunnerTelemetry.ActivitySource.StartActivity("copilot.redis.connect");
        activity?.SetTag("agui.thread_id", request.ThreadId);
        ThrowIfUnavailable();
        cancellationToken.ThrowIfCancellationRequested();
        RedisEventId? resumeAfter = RedisEventId.TryParse(request.LastEventId, out var parsed) ? parsed : null;
        try
        {
            // Nothing is subscribed here: the stream subscribes when (and only if) it tails the active run, and
            // unsubscribes when it ends, so a stream that is never enumerated holds nothing.
            var keys = KeysFor(request.Thread);
            var snapshot = await ReadSnapshotAsync(keys).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (snapshot.IsOrphan)
            {
                await RecoverOrphanAsync(keys).ConfigureAwait(false);
                snapshot = await ReadSnapshotAsync(keys).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            if (snapshot.Runs.Count == 0 && snapshot.ActiveSeq is null)
            {
                return AsyncEnumerable.Empty<RunnerEvent>();
            }
            activity?.SetTag("copilot.redis.history_runs", snapshot.Runs.Count);
            return ConnectStream(keys, snapshot, resumeAfter);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }
    }

    public override async ValueTask<bool> IsRunningAsync(ThreadKey thread, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        try
        {
            var keys = KeysFor(thread);
            var batch = Database.CreateBatch();
            var lockTask = batch.StringGetAsync(keys.Lock);
            var activeTask = batch.HashGetAsync(keys.Active, ["token", "status"]);
            batch.Execute();
            var lockValue = await lockTask.WaitAsync(cancellationToken).ConfigureAwait(false);
            var active = await activeTask.ConfigureAwait(false);
            return !lockValue.IsNull && lockValue == active[0] && active[1] == "running";
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }
    }

    public override async ValueTask<StopResult> StopAsync(ThreadKey thread, string? runId, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        try
        {
            var keys = KeysFor(thread);
            var result = (RedisResult[])(await Database.ScriptEvaluateAsync(RedisScripts.Stop, [keys.Lock, keys.Active], [runId ?? ""]).WaitAsync(cancellationToken).ConfigureAwait(false))!;
            switch ((string?)result[0])
            {
                case "ok":
                    var owner = (string?)result[1];
                    var token = (string)result[2]!;
                    if (owner == ReplicaId && _runs.TryGetValue(token, out var local))
                    {
                        local.RequestStop();
                    }
                    else
                    {
                        // The owner also sees the stopping status on its next write or heartbeat, should this be lost.
                        await _redis.GetSubscriber().PublishAsync(RedisChannel.Literal($"{_options.KeyPrefix}replica:{owner}:stop"), token).ConfigureAwait(false);
                    }
                    LogStopRequested(_logger, thread.ThreadId, owner ?? "");
                    return StopResult.StoppedResult;
                case "other":
                    return StopResult.NotActiveRun;
                case "orphan":
                    await RecoverOrphanAsync(keys).ConfigureAwait(false);
                    return StopResult.NotRunning;
                default:
                    return StopResult.NotRunning;
            }
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }
    }

    public override Task WhenIdleAsync(CancellationToken cancellationToken) => _local.WhenIdleAsync(cancellationToken);

    /// <summary>
    /// Ends this replica's runs as interrupted; each is stored and its lock released at once (not after
    /// <see cref="RedisAgentRunnerOptions.LockTtl"/>), and connects tailing it on any replica get its terminal event.
    /// </summary>
    public override Task InterruptRunsAsync(CancellationToken cancellationToken) => _local.InterruptAsync(cancellationToken);

    /// <summary>Stops every run of this replica (they finish as stopped) and waits for them to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        var runs = _runs.Values.ToList();
        foreach (var run in runs)
        {
            run.RequestStop();
        }
        await Task.WhenAll(runs.Select(r => r.Completion)).ConfigureAwait(false);
        if (_stopSubscription is { IsCompletedSuccessfully: true })
        {
            try
            {
                await _redis.GetSubscriber().UnsubscribeAsync(_stopChannel).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsUnavailable(ex) || ex is ObjectDisposedException)
            {
                // The connection is gone: the subscription went with it.
            }
        }
    }

    internal void OnRunCompleted(RedisActiveRun run) => _runs.TryRemove(run.Token, out _);

    internal bool IsConnected => _redis.IsConnected;

    /// <summary>The one place a thread (its scope included) becomes keys.</summary>
    private RedisThreadKeys KeysFor(ThreadKey thread) => new(_options.KeyPrefix, thread);

    private void ThrowIfUnavailable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (!_redis.IsConnected)
        {
            Metrics.Unavailable.Add(1);
            throw new RunnerUnavailableException("Redis is not reachable; the runner cannot start or connect to runs until it is back.");
        }
    }

    private RunnerUnavailableException Unavailable(Exception ex)
    {
        Metrics.Unavailable.Add(1);
        LogUnavailable(_logger, ex);
        return new RunnerUnavailableException("Redis is not reachable; the runner cannot start or connect to runs until it is back.", ex);
    }

    /// <summary>
    /// Whether <paramref name="ex"/> means Redis cannot serve us right now (rather than a bug): no connection, a
    /// timeout, or a server error that says so (out of memory under <c>noeviction</c>, loading, a read-only replica
    /// after a failover, master or cluster down, slot migration, a busy script).
    /// </summary>
    internal static bool IsUnavailable(Exception ex) => ex switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => IsUnavailableServerError(server.Message),
        _ => false,
    };

    private static readonly string[] UnavailableServerErrors = ["OOM", "LOADING", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "BUSY"];

    private static bool IsUnavailableServerError(string message)
    {
        foreach (var code in UnavailableServerErrors)
        {
            // The error itself ("OOM command not allowed…"), or as a script error quotes it ("… -OOM command…").
            if ((message.StartsWith(code, StringComparison.Ordinal) && (message.Length == code.Length || message[code.Length] == ' '))
                || message.Contains(" -" + code + " ", StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private Task EnsureStopSubscriptionAsync()
    {
        lock (_subscribeGate)
        {
            if (_stopSubscription is null || _stopSubscription.IsFaulted || _stopSubscription.IsCanceled)
            {
                _stopSubscription = _redis.GetSubscriber().SubscribeAsync(_stopChannel, (_, token) =>
                {
                    if (!token.IsNull && _runs.TryGetValue(token!, out var run))
                    {
                        run.RequestStop();
                    }
                });
            }
            return _stopSubscription;
        }
    }

    private async Task<AcquireResult> AcquireAsync(RedisThreadKeys keys, string token, AgentRunRequest request)
    {
        var messages = request.Input.Messages;
        var args = new RedisValue[7 + messages.Count];
        args[0] = token;
        args[1] = Milliseconds(_options.LockTtl);
        args[2] = Milliseconds(_options.ThreadTtl);
        args[3] = request.Input.RunId;
        args[4] = request.ThreadId;
        args[5] = request.AgentId;
        args[6] = ReplicaId;
        for (var i = 0; i < messages.Count; i++)
        {
            args[7 + i] = messages[i].Id;
        }
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(RedisScripts.Acquire, [keys.Lock, keys.Active, keys.Seq, keys.MessageIds, keys.Runs, keys.RunMessageIds], args).ConfigureAwait(false))!;
        return (string?)result[0] switch
        {
            "ok" => new AcquireResult(AcquireOutcome.Acquired, (long)result[1], [.. result.Skip(2).Select(r => (long)r == 1)]),
            "orphan" => new AcquireResult(AcquireOutcome.Orphan, 0, []),
            _ => new AcquireResult(AcquireOutcome.Busy, 0, []),
        };
    }

    /// <summary>Writes events <paramref name="firstIndex"/>… of a run (none = heartbeat). Returns -1 lock lost, 1 stop requested, 0 otherwise.</summary>
    internal async Task<int> AppendAsync(RedisThreadKeys keys, string token, long seq, long firstIndex, IReadOnlyList<byte[]> events)
    {
        var args = new RedisValue[5 + events.Count];
        args[0] = token;
        args[1] = Milliseconds(_options.LockTtl);
        args[2] = Milliseconds(_options.ThreadTtl);
        args[3] = keys.Notify.ToString();
        args[4] = firstIndex;
        for (var i = 0; i < events.Count; i++)
        {
            args[5 + i] = events[i]; // serialized once by the run, reused when a write is retried
        }
        var result = (int)await Database.ScriptEvaluateAsync(RedisScripts.Append, [keys.Lock, keys.Active, keys.Run(seq), keys.Seq], args).ConfigureAwait(false);
        if (events.Count > 0 && result >= 0)
        {
            Metrics.EventsWritten.Add(events.Count);
            Metrics.WriteBatchSize.Record(events.Count);
        }
        return result;
    }

    /// <summary>Stores a finished run (<paramref name="run"/> null = store nothing) and frees the thread. False if the lock is not <paramref name="token"/>'s.</summary>
    internal Task<bool> FinishAsync(RedisThreadKeys keys, string token, long seq, StoredRun? run, IReadOnlyCollection<string> messageIds) =>
        FinishAsync(keys, token, seq, run is null ? null : StoredRunCodec.Serialize(run), run is null ? [] : messageIds);

    /// <summary>As above, with the run already serialized (<see cref="StoredRunCodec.Serialize"/>; null = store nothing).</summary>
    internal async Task<bool> FinishAsync(RedisThreadKeys keys, string token, long seq, byte[]? run, IReadOnlyCollection<string> messageIds)
    {
        var args = new RedisValue[7 + messageIds.Count];
        args[0] = token;
        args[1] = Milliseconds(_options.ThreadTtl);
        args[2] = Milliseconds(_options.ResumeWindow);
        args[3] = _options.MaxRunsPerThread;
        args[4] = keys.Notify.ToString();
        args[5] = run is null ? RedisValue.EmptyString : run;
        args[6] = seq.ToString(CultureInfo.InvariantCulture);
        var i = 7;
        foreach (var id in messageIds)
        {
            args[i++] = id;
        }
        var result = (int)await Database.ScriptEvaluateAsync(RedisScripts.Finish, [keys.Lock, keys.Active, keys.Run(seq), keys.Runs, keys.MessageIds, keys.Seq, keys.RunMessageIds], args).ConfigureAwait(false);
        return result == 1;
    }

    /// <summary>
    /// Closes an active run whose owner is gone (its lock expired): the events it wrote get the finalizer's closing
    /// events and <c>RUN_ERROR {code: RUN_INTERRUPTED}</c>, and the run is stored like any other, so the thread's
    /// history stays a valid stream. Only one replica does it (it takes the lock first); others see a busy thread.
    /// </summary>
    internal async Task RecoverOrphanAsync(RedisThreadKeys keys)
    {
        var db = Database;
        var token = ReplicaId + "/recover/" + Guid.NewGuid().ToString("N");
        if (!await db.StringSetAsync(keys.Lock, token, _options.LockTtl, When.NotExists).ConfigureAwait(false))
        {
            return;
        }
        using var activity = RedisRunnerTelemetry.ActivitySource.StartActivity("copilot.redis.run.recover");
        activity?.SetTag("agui.thread_id", keys.ThreadId);
        var released = false;
        try
        {
            var active = (await db.HashGetAllAsync(keys.Active).ConfigureAwait(false)).ToDictionary(e => e.Name.ToString(), e => e.Value);
            if (!active.TryGetValue("seq", out var seqValue))
            {
                return;
            }
            var seq = (long)seqValue;
            var runId = active.GetValueOrDefault("runId").ToString();
            var written = (long)active.GetValueOrDefault("n");
            var events = (await db.StreamRangeAsync(keys.Run(seq)).ConfigureAwait(false)).SelectMany(entry => entry.Values).Select(v => AgUiJson.DeserializeEvent((byte[])v.Value!)).ToList();
            activity?.SetTag("agui.run_id", runId);
            var finalizer = new RunFinalizer();
            foreach (var e in events)
            {
                finalizer.Observe(e);
            }
            if (events.Count > 0)
            {
                var closing = finalizer.Finalize(RunEnding.Failed(InterruptedMessage, InterruptedCode), keys.ThreadId, runId);
                if (closing.Count > 0 && await AppendAsync(keys, token, seq, written + 1, closing.ConvertAll(AgUiJson.SerializeToUtf8Bytes)).ConfigureAwait(false) < 0)
                {
                    return;
                }
                events.AddRange(closing);
            }
            var ids = new HashSet<string>(StringComparer.Ordinal);
            RunHistoryRules.CollectMessageIds(events, ids);
            var stored = events.Count > 0
                ? new StoredRun(seq, runId, active.GetValueOrDefault("agentId").ToString(), EventCompactor.Compact(events))
                : null;
            released = await FinishAsync(keys, token, seq, stored, ids).ConfigureAwait(false);
            Metrics.RunsInterrupted.Add(1);
            LogRecoveredOrphan(_logger, keys.ThreadId, runId, active.GetValueOrDefault("owner").ToString(), events.Count);
        }
        finally
        {
            if (!released)
            {
                await db.ScriptEvaluateAsync("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", [keys.Lock], [token]).ConfigureAwait(false);
            }
        }
    }

    private async Task<ThreadSnapshot> ReadSnapshotAsync(RedisThreadKeys keys)
    {
        var tx = Database.CreateTransaction();
        var activeTask = tx.HashGetAsync(keys.Active, ["seq", "token"]);
        var lockTask = tx.StringGetAsync(keys.Lock);
        var runsTask = tx.ListRangeAsync(keys.Runs);
        var ttl = _options.ThreadTtl;
        foreach (var key in new[] { keys.Runs, keys.MessageIds, keys.RunMessageIds, keys.Seq })
        {
            _ = tx.KeyExpireAsync(key, ttl);
        }
        await tx.ExecuteAsync().ConfigureAwait(false);
        var active = await activeTask.ConfigureAwait(false);
        var lockValue = await lockTask.ConfigureAwait(false);
        var runs = (await runsTask.ConfigureAwait(false)).Select(v => StoredRunCodec.Deserialize((byte[])v!)).ToList();
        long? activeSeq = active[0].IsNull ? null : (long)active[0];
        return new ThreadSnapshot(runs, activeSeq, IsOrphan: activeSeq is not null && lockValue.IsNull);
    }

    private async IAsyncEnumerable<RunnerEvent> ConnectStream(RedisThreadKeys keys, ThreadSnapshot snapshot, RedisEventId? resumeAfter,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = snapshot.Runs;
        long historyAfterSeq = 0;   // history runs with a greater seq are replayed whole
        long resumeCompactedSeq = 0, resumeCompactedIndex = 0;
        long activeStart = 0;       // active run events after this index are streamed
        var activeSeq = snapshot.ActiveSeq;

        if (resumeAfter is { } position)
        {
            historyAfterSeq = position.Seq;
            if (position.Compacted)
            {
                resumeCompactedSeq = position.Seq;
                resumeCompactedIndex = position.Index;
            }
            else if (position.Seq == activeSeq)
            {
                activeStart = position.Index;
            }
            else
            {
                // Inside a run that has finished since: the rest of it as it was emitted, while its raw stream is kept;
                // once the resume window has dropped it, the whole run compacted (a duplicate is better than a gap).
                var tail = new TailProgress();
                await foreach (var item in TailRunAsync(keys, position.Seq, position.Index, null, null, untilEnd: false, tail, cancellationToken).ConfigureAwait(false))
                {
                    yield return item;
                }
                if (tail.Failed)
                {
                    yield break; // Redis went away: the client resumes again with its last id.
                }
                if (tail.Read == 0)
                {
                    switch (await TryKeyExistsAsync(keys.Run(position.Seq)).ConfigureAwait(false))
                    {
                        case null:
                            yield break;
                        case false:
                            resumeCompactedSeq = position.Seq;
                            break;
                    }
                }
            }
            if (activeSeq is { } a && a <= position.Seq && !(a == position.Seq && !position.Compacted))
            {
                activeSeq = null;
            }
        }

        foreach (var run in history)
        {
            if (run.Seq == resumeCompactedSeq)
            {
                for (var i = (int)resumeCompactedIndex; i < run.Events.Count; i++)
                {
                    yield return run.ToRunnerEvent(i, RedisEventId.OfCompacted(run.Seq, i + 1));
                }
            }
            else if (run.Seq > historyAfterSeq)
            {
                for (var i = 0; i < run.Events.Count; i++)
                {
                    yield return run.ToRunnerEvent(i, RedisEventId.OfCompacted(run.Seq, i + 1));
                }
            }
        }

        if (activeSeq is not { } seq)
        {
            yield break;
        }

        // As the in-memory runner: live events of a message that history already replayed are skipped.
        var replayed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var run in history)
        {
            foreach (var e in run.Events)
            {
                if (RunHistoryRules.MessageIdOf(e) is { } id)
                {
                    replayed.Add(id);
                }
            }
        }

        // Subscribe, then read: an event written after the subscription wakes the tail, one written before is read
        // by its first XRANGE. Unsubscribed whatever happens, also when the subscribe itself is abandoned.
        var signal = new AsyncSignal();
        Action<RedisChannel, RedisValue> onNotify = (_, _) => signal.Set();
        var subscriber = _redis.GetSubscriber();
        var subscribe = subscriber.SubscribeAsync(keys.Notify, onNotify);
        try
        {
            var subscribed = true;
            try
            {
                await subscribe.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsUnavailable(ex))
            {
                LogTailFailed(_logger, keys.Notify.ToString(), ex);
                subscribed = false;
            }
            if (subscribed)
            {
                await foreach (var item in TailRunAsync(keys, seq, activeStart, replayed, signal, untilEnd: true, new TailProgress(), cancellationToken).ConfigureAwait(false))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            _ = UnsubscribeAsync(subscriber, keys.Notify, onNotify, subscribe);
        }
    }

    /// <summary>Removes a connect's handler once its subscribe has completed (or failed); never throws.</summary>
    private static async Task UnsubscribeAsync(ISubscriber subscriber, RedisChannel channel, Action<RedisChannel, RedisValue> handler, Task subscribe)
    {
        try
        {
            await subscribe.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Unsubscribe in any case: the handler was registered before the command was sent.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        try
        {
            await subscriber.UnsubscribeAsync(channel, handler, CommandFlags.FireAndForget).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Best effort: a lost connection drops its subscriptions anyway.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async Task<bool?> TryKeyExistsAsync(RedisKey key)
    {
        try
        {
            return await Database.KeyExistsAsync(key).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            LogTailFailed(_logger, key.ToString(), ex);
            return null;
        }
    }

    /// <summary>What a <see cref="TailRunAsync"/> did: events read from the stream, and whether Redis failed.</summary>
    private sealed class TailProgress
    {
        public int Read { get; set; }
        public bool Failed { get; set; }
    }

    /// <summary>
    /// Events of run <paramref name="seq"/> after index <paramref name="after"/>, read with XRANGE on each wake-up
    /// until its terminal event. A tail with nothing new for <see cref="RedisAgentRunnerOptions.LockTtl"/> checks that
    /// the run's owner is alive and closes the run if it is not (a lost wake-up is also caught up then).
    /// </summary>
    private async IAsyncEnumerable<RunnerEvent> TailRunAsync(RedisThreadKeys keys, long seq, long after, HashSet<string>? skipMessages, AsyncSignal? signal, bool untilEnd,
        TailProgress progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var streamKey = keys.Run(seq);
        var last = after;
        var batch = _options.MaxWriteBatch * 2;
        var lastCheck = false;
        while (true)
        {
            var entries = await TryReadRangeAsync(streamKey, last + 1, batch).ConfigureAwait(false);
            if (entries is null)
            {
                progress.Failed = true;
                yield break; // Redis went away mid-stream: the client resumes with Last-Event-ID.
            }
            progress.Read += entries.Length;
            foreach (var entry in entries)
            {
                // One entry per written batch (its id: the batch's last index), one field per event (name: its index).
                foreach (var field in entry.Values)
                {
                    var index = (long)field.Name;
                    if (index <= last)
                    {
                        continue; // resuming inside a batch
                    }
                    last = index;
                    var json = (byte[])field.Value!;
                    var e = AgUiJson.DeserializeEvent(json);
                    var terminal = e is RunFinishedEvent or RunErrorEvent;
                    if (skipMessages is null || RunHistoryRules.MessageIdOf(e) is not { } id || !skipMessages.Contains(id))
                    {
                        yield return new RunnerEvent(e, RedisEventId.Raw(seq, last)) { Json = json };
                    }
                    if (terminal)
                    {
                        yield break;
                    }
                }
                last = Math.Max(last, EntryIndex(entry.Id));
            }
            if (entries.Length == batch)
            {
                continue;
            }
            if (!untilEnd || lastCheck || signal is null)
            {
                yield break;
            }
            if (!await signal.WaitAsync(_options.LockTtl, cancellationToken).ConfigureAwait(false))
            {
                var state = await TryCheckOwnerAsync(keys, seq).ConfigureAwait(false);
                if (state == OwnerState.Gone)
                {
                    lastCheck = true; // the run vanished (e.g. Redis lost its data): read what is there, then end
                }
                else if (state == OwnerState.Dead)
                {
                    await RecoverOrphanAsync(keys).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task<StreamEntry[]?> TryReadRangeAsync(RedisKey key, long from, int count)
    {
        try
        {
            return await Database.StreamRangeAsync(key, "0-" + from.ToString(CultureInfo.InvariantCulture), "+", count).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            LogTailFailed(_logger, key.ToString(), ex);
            return null;
        }
    }

    private async Task<OwnerState> TryCheckOwnerAsync(RedisThreadKeys keys, long seq)
    {
        try
        {
            var batch = Database.CreateBatch();
            var activeTask = batch.HashGetAsync(keys.Active, "seq");
            var lockTask = batch.KeyExistsAsync(keys.Lock);
            batch.Execute();
            var activeSeq = await activeTask.ConfigureAwait(false);
            var locked = await lockTask.ConfigureAwait(false);
            return activeSeq.IsNull || (long)activeSeq != seq ? OwnerState.Gone : locked ? OwnerState.Alive : OwnerState.Dead;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            LogTailFailed(_logger, keys.Active.ToString(), ex);
            return OwnerState.Alive;
        }
    }

    private static long EntryIndex(RedisValue id)
    {
        var s = id.ToString();
        return long.Parse(s.AsSpan(s.IndexOf('-', StringComparison.Ordinal) + 1), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    internal static long Milliseconds(TimeSpan t) => (long)t.TotalMilliseconds;

    private enum AcquireOutcome
    {
        Acquired,
        Busy,
        Orphan,
    }

    private enum OwnerState
    {
        Alive,
        Dead,
        Gone,
    }

    private sealed record AcquireResult(AcquireOutcome Outcome, long Seq, bool[] Known);

    private sealed record ThreadSnapshot(List<StoredRun> Runs, long? ActiveSeq, bool IsOrphan);

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Thread {ThreadId} already has an active run; run {RunId} gets an empty stream")]
    private static partial void LogThreadBusy(ILogger logger, string threadId, string runId);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Redis is unreachable; refusing the request")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Closed run {RunId} of thread {ThreadId}: its replica {Owner} stopped before it finished ({EventCount} events stored)")]
    private static partial void LogRecoveredOrphan(ILogger logger, string threadId, string runId, string owner, int eventCount);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "Stop requested for thread {ThreadId} (run owned by replica {Owner})")]
    private static partial void LogStopRequested(ILogger logger, string threadId, string owner);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Reading {Key} from Redis failed; ending the connect stream (the client can resume with Last-Event-ID)")]
    private static partial void LogTailFailed(ILogger logger, string key, Exception exception);
}
