using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CopilotAspire.Runtime.Redis;

/// <summary>Closing a run whose replica died (its lock expired) so that the thread's history stays well-formed.</summary>
public sealed partial class RedisAgentRunner
{
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
            // A stale owner's plain XADD of its last batch may land while this reads (see RedisScripts.Finish): the
            // finish then answers StreamMoved and the stream is read again. Each such entry ends in a terminal event,
            // so a second read finds the run complete and there is no third.
            for (var attempt = 0; attempt < 3 && !released; attempt++)
            {
                var active = (await db.HashGetAllAsync(keys.Active).ConfigureAwait(false)).ToDictionary(e => e.Name.ToString(), e => e.Value);
                if (!active.TryGetValue("seq", out var seqValue))
                {
                    return;
                }
                var seq = (long)seqValue;
                var runId = active.GetValueOrDefault("runId").ToString();
                var entries = await db.StreamRangeAsync(keys.Run(seq)).ConfigureAwait(false);
                // The events written: the count in active, or past it when the owner's last batch landed without it.
                var written = Math.Max((long)active.GetValueOrDefault("n"), entries.Length == 0 ? 0 : EntryIndex(entries[^1].Id));
                var events = entries.SelectMany(RedisEventBatch.Events).Select(json => StoredEventReader.Read(json.Span)).ToList();
                activity?.SetTag("agui.run_id", runId);
                // Written with the finish, in the same call.
                var closing = RunLifecycle.InterruptedEnding(events, keys.ThreadId, runId)
                    .ConvertAll(e => new RunnerEvent(e) { Json = AgUiJson.SerializeToUtf8Bytes(e) });
                events.AddRange(closing.Select(e => e.Event));
                var compacted = RunLifecycle.Compact(events);
                var ids = compacted.MessageIds;
                var stored = events.Count > 0
                    ? new StoredRun(seq, runId, active.GetValueOrDefault("agentId").ToString(), compacted.Events)
                    : null;
                var outcome = await FinishAsync(keys, token, seq, written + 1, closing, stored, ids, entries.Length == 0 ? "none" : entries[^1].Id.ToString()).ConfigureAwait(false);
                if (outcome == FinishOutcome.NotOwner)
                {
                    return;
                }
                released = outcome == FinishOutcome.Stored;
                if (released)
                {
                    Metrics.RunsInterrupted.Add(1);
                    LogRecoveredOrphan(_logger, keys.ThreadId, runId, active.GetValueOrDefault("owner").ToString(), events.Count);
                }
            }
        }
        finally
        {
            if (!released)
            {
                await db.ScriptEvaluateAsync("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", [keys.Lock], [token]).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Closed run {RunId} of thread {ThreadId}: its replica {Owner} stopped before it finished ({EventCount} events stored)")]
    private static partial void LogRecoveredOrphan(ILogger logger, string threadId, string runId, string owner, int eventCount);
}
