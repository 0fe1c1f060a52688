using System.Runtime.CompilerServices;
using System.Threading.Channels;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Redis;

/// <summary>
/// A run this replica executes. Its events go to an in-memory <see cref="RunEventLog"/> (the client that started
/// the run reads from there) and to a single writer that appends them to the run's Redis Stream in batches: while
/// one batch is in flight the next accumulates, so a fast agent costs one round trip per batch, not per event. A
/// heartbeat renews the lock between writes. If Redis fails or the lock is lost, the run detaches from the store
/// and still finishes for its own client; any replica later closes it in Redis as interrupted.
/// </summary>
internal sealed partial class RedisActiveRun
{
    private readonly RedisAgentRunner _runner;
    private readonly RedisThreadKeys _keys;
    private readonly AgentRunRequest _request;
    private readonly IReadOnlyList<Message> _newMessages;
    private readonly AgentRunExecution _execution;
    private readonly RunEventLog _log = new();
    private readonly Channel<AgUiEvent> _pending = Channel.CreateUnbounded<AgUiEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly ILogger _logger;
    private int _count;
    private volatile bool _detached;

    public RedisActiveRun(RedisAgentRunner runner, RedisThreadKeys keys, string token, long seq, AgentRunRequest request, IReadOnlyList<Message> newMessages)
    {
        _runner = runner;
        _keys = keys;
        _request = request;
        _newMessages = newMessages;
        _logger = runner.Logger;
        Token = token;
        Seq = seq;
        _execution = new AgentRunExecution(request.Agent, request.Input, _logger);
    }

    public string Token { get; }

    public long Seq { get; }

    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start() => Completion = Task.Run(RunAsync, CancellationToken.None);

    public void RequestStop() => _execution.RequestStop();

    /// <summary>The run's events from its start, from memory, each with its id <c>seq.K</c>.</summary>
    public async IAsyncEnumerable<RunnerEvent> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long index = 0;
        await foreach (var e in _log.ReadAsync(0, cancellationToken).ConfigureAwait(false))
        {
            yield return new RunnerEvent(e, RedisEventId.Raw(Seq, ++index));
        }
    }

    private async Task RunAsync()
    {
        var options = _runner.Options;
        var writer = WriteLoopAsync();
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatLoopAsync(heartbeatStop.Token);
        try
        {
            await _execution.ExecuteAsync(e =>
            {
                e = RunHistoryRules.InjectInput(e, _request.Input, _newMessages);
                _log.Append(e);
                _pending.Writer.TryWrite(e);
                if (++_count == options.MaxEventsPerRun)
                {
                    _execution.Abort($"Run exceeded the limit of {options.MaxEventsPerRun} events.", RedisAgentRunner.EventLimitCode);
                }
                return ValueTask.CompletedTask;
            }).ConfigureAwait(false);
        }
        finally
        {
            _pending.Writer.TryComplete();
            if (_detached || !_runner.IsConnected)
            {
                _log.Complete(); // the store is unreachable: do not hold the client's stream open for it
            }
            await writer.ConfigureAwait(false);
            await heartbeatStop.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
            if (!_detached)
            {
                await StoreAsync().ConfigureAwait(false);
            }
            _runner.OnRunCompleted(this);
            _log.Complete();
            _execution.Dispose();
        }
    }

    private async Task WriteLoopAsync()
    {
        await Task.Yield();
        var reader = _pending.Reader;
        var batch = new List<AgUiEvent>(_runner.Options.MaxWriteBatch);
        long next = 1;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _runner.Options.MaxWriteBatch && reader.TryRead(out var e))
            {
                batch.Add(e);
            }
            if (_detached)
            {
                continue;
            }
            try
            {
                var status = await _runner.AppendAsync(_keys, Token, Seq, next, batch).ConfigureAwait(false);
                next += batch.Count;
                OnStatus(status);
            }
#pragma warning disable CA1031 // Whatever the store does, the run goes on for its own client.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Detach(ex);
            }
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_runner.Options.LockTtl / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false) && !_detached)
            {
                try
                {
                    OnStatus(await _runner.AppendAsync(_keys, Token, Seq, 1, []).ConfigureAwait(false));
                }
#pragma warning disable CA1031 // Whatever the store does, the run goes on for its own client.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Detach(ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    private void OnStatus(int status)
    {
        if (status < 0)
        {
            Detach(null);
        }
        else if (status == 1)
        {
            _execution.RequestStop(); // a stop whose pub/sub message did not reach this replica
        }
    }

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

    private async Task StoreAsync()
    {
        var events = _log.Snapshot();
        StoredRun? stored = null;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (_execution.HasAgentEvents)
        {
            stored = new StoredRun(Seq, _request.Input.RunId, _request.AgentId, EventCompactor.Compact(events));
            RunHistoryRules.CollectMessageIds(events, ids);
        }
        try
        {
            if (!await _runner.FinishAsync(_keys, Token, Seq, stored, ids).ConfigureAwait(false))
            {
                Detach(null);
            }
        }
#pragma warning disable CA1031 // The client already has every event; the thread will show the run as interrupted.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Detach(ex);
        }
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Warning, Message = "Run {RunId} of thread {ThreadId} continues for its own client only, no longer stored: {Reason}")]
    private static partial void LogDetached(ILogger logger, string threadId, string runId, string reason, Exception? exception);
}
