using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
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
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisAgentRunnerOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, RedisActiveRun> _runs = new(StringComparer.Ordinal);
    private readonly LocalRuns _local = new();
    private readonly RedisChannel _stopChannel;
    private readonly Lock _subscribeGate = new();
    private Task? _stopSubscription;
    private PeriodicTimer? _heartbeatTimer;
    private Task _heartbeat = Task.CompletedTask;
    private int _disposed;

    /// <summary>
    /// A runner on <paramref name="redis"/> with a new replica id; nothing is read or written until the first request.
    /// </summary>
    /// <param name="redis">The connection (StackExchange.Redis; a cluster works too).</param>
    /// <param name="options">The runner's settings, validated at start by <c>AddRedisAgentRunner</c>.</param>
    /// <param name="logger">Where it logs; <see langword="null"/> logs nothing.</param>
    /// <param name="meterFactory">Creates its meter; <see langword="null"/> makes a meter of its own.</param>
    /// <exception cref="ArgumentNullException"><paramref name="redis"/> or <paramref name="options"/> is
    /// <see langword="null"/>.</exception>
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

    /// <inheritdoc/>
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

            var known = acquired.Known;
            var newMessages = RunLifecycle.NewMessages(request.Input.Messages, (_, i) => known[i]);
            var run = new RedisActiveRun(this, keys, token, acquired.Seq, request, newMessages, leaseStart);
            _runs[token] = run;
            EnsureHeartbeat();
            run.Start();
            _local.Track(run.Execution, run.Completion);
            await IndexRunSafelyAsync(request, acquired).ConfigureAwait(false);
            return run.ReadAsync();
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw Unavailable(ex);
        }
        catch (StoredFormatException ex)
        {
            throw NewerFormat(request.ThreadId, ex);
        }
    }

    /// <inheritdoc/>
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
        catch (Exception ex) when (IsOutage(ex))
        {
            throw Unavailable(ex);
        }
        catch (StoredFormatException ex)
        {
            throw NewerFormat(request.ThreadId, ex);
        }
    }

    /// <inheritdoc/>
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
        catch (Exception ex) when (IsOutage(ex))
        {
            throw Unavailable(ex);
        }
    }

    /// <inheritdoc/>
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
        catch (Exception ex) when (IsOutage(ex))
        {
            throw Unavailable(ex);
        }
    }

    /// <inheritdoc/>
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
        lock (_subscribeGate)
        {
            _heartbeatTimer?.Dispose(); // its wait returns false: the loop ends
        }
        await _heartbeat.ConfigureAwait(false);
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

    /// <summary>
    /// Starts the one heartbeat of this replica's runs (a timer for all of them, not one per run): every
    /// <see cref="RedisAgentRunnerOptions.LockTtl"/>/3 each active run renews its lock.
    /// </summary>
    private void EnsureHeartbeat()
    {
        if (Volatile.Read(ref _heartbeatTimer) is not null)
        {
            return;
        }
        lock (_subscribeGate)
        {
            if (_heartbeatTimer is not null || Volatile.Read(ref _disposed) == 1)
            {
                return;
            }
            using (ExecutionContext.SuppressFlow()) // the loop outlives the request that started it: none of its context
            {
                var timer = new PeriodicTimer(_options.LockTtl / 3);
                _heartbeat = Task.Run(() => HeartbeatLoopAsync(timer));
                Volatile.Write(ref _heartbeatTimer, timer);
            }
        }
    }

    private async Task HeartbeatLoopAsync(PeriodicTimer timer)
    {
        while (await timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            foreach (var run in _runs.Values)
            {
                _ = run.HeartbeatAsync(); // never throws; a slow one does not hold up the others
            }
        }
    }

    internal static long Milliseconds(TimeSpan t) => (long)t.TotalMilliseconds;

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Thread {ThreadId} already has an active run; run {RunId} gets an empty stream")]
    private static partial void LogThreadBusy(ILogger logger, string threadId, string runId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Stop requested for thread {ThreadId} (run owned by replica {Owner})")]
    private static partial void LogStopRequested(ILogger logger, string threadId, string owner);
}
