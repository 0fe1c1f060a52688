using System.Globalization;
using CopilotAspire.Runtime.Runners;
using StackExchange.Redis;

namespace CopilotAspire.Runtime.Redis;

/// <summary>The writes of a run's owner: starting a run (the lock), appending its events, finishing it.</summary>
public sealed partial class RedisAgentRunner
{
    private async Task<AcquireResult> AcquireAsync(RedisThreadKeys keys, string token, AgentRunRequest request)
    {
        var messages = request.Input.Messages;
        var args = new RedisValue[8 + messages.Count];
        args[0] = token;
        args[1] = Milliseconds(_options.LockTtl);
        args[2] = Milliseconds(_options.ThreadTtl);
        args[3] = request.Input.RunId;
        args[4] = request.ThreadId;
        args[5] = request.AgentId;
        args[6] = ReplicaId;
        args[7] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < messages.Count; i++)
        {
            args[8 + i] = messages[i].Id;
        }
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(RedisScripts.Acquire, [keys.Lock, keys.Active, keys.Seq, keys.MessageIds, keys.Meta], args).ConfigureAwait(false))!;
        switch ((string?)result[0])
        {
            case "ok":
                var known = new bool[result.Length - 5];
                for (var i = 0; i < known.Length; i++)
                {
                    known[i] = (long)result[5 + i] == 1;
                }
                var previousAgent = (string)result[2]!;
                return new AcquireResult(AcquireOutcome.Acquired, (long)result[1], known, previousAgent.Length == 0 ? null : previousAgent, (string?)result[3] == "1", (long)result[4]);
            case "orphan":
                return new AcquireResult(AcquireOutcome.Orphan, 0, []);
            default:
                return new AcquireResult(AcquireOutcome.Busy, 0, []);
        }
    }

    /// <summary>Writes events <paramref name="firstIndex"/>… of a run (none = heartbeat). Returns -1 lock lost, 1 stop requested, 0 otherwise.</summary>
    internal async Task<int> AppendAsync(RedisThreadKeys keys, string token, long seq, long firstIndex, IReadOnlyList<RunnerEvent> events)
    {
        RedisValue[] args =
        [
            token,
            Milliseconds(_options.LockTtl),
            Milliseconds(_options.ThreadTtl),
            keys.NotifyName,
            firstIndex,
            firstIndex + events.Count - 1,
            events.Count == 0 ? RedisValue.EmptyString : RunJsonArena.Batch(events), // JSON serialized once by the run
        ];
        var result = (int)await Database.ScriptEvaluateAsync(RedisScripts.Append, [keys.Lock, keys.Active, keys.Run(seq), keys.Seq], args).ConfigureAwait(false);
        if (events.Count > 0 && result >= 0)
        {
            RecordWritten(events.Count);
        }
        return result;
    }

    /// <summary>
    /// Writes a run's last events (<paramref name="firstIndex"/>…, as <see cref="AppendAsync"/>), stores the finished run
    /// (<paramref name="run"/> null = store nothing, and no message ids) and frees the thread. False if the lock is not
    /// <paramref name="token"/>'s.
    /// </summary>
    internal Task<bool> FinishAsync(RedisThreadKeys keys, string token, long seq, long firstIndex, IReadOnlyList<RunnerEvent> events, StoredRun? run, IReadOnlyCollection<string> messageIds) =>
        FinishAsync(keys, token, seq, firstIndex, events, run is null ? null : StoredRunCodec.Serialize(run), run is null ? [] : messageIds);

    /// <summary>As above, with the run already serialized (<see cref="StoredRunCodec.Serialize"/>; null = store nothing).</summary>
    internal async Task<bool> FinishAsync(RedisThreadKeys keys, string token, long seq, long firstIndex, IReadOnlyList<RunnerEvent> events, byte[]? run, IReadOnlyCollection<string> messageIds)
    {
        var args = new RedisValue[10 + messageIds.Count];
        args[0] = token;
        args[1] = Milliseconds(_options.ThreadTtl);
        args[2] = Milliseconds(_options.ResumeWindow);
        args[3] = _options.MaxRunsPerThread;
        args[4] = keys.NotifyName;
        args[5] = run is null ? RedisValue.EmptyString : run;
        args[6] = seq;
        args[7] = firstIndex;
        args[8] = firstIndex + events.Count - 1;
        args[9] = events.Count == 0 ? RedisValue.EmptyString : RunJsonArena.Batch(events);
        var i = 10;
        foreach (var id in messageIds)
        {
            args[i++] = id;
        }
        var result = (int)await Database.ScriptEvaluateAsync(RedisScripts.Finish, [keys.Lock, keys.Active, keys.Run(seq), keys.Runs, keys.MessageIds, keys.RunMessageIds], args).ConfigureAwait(false);
        if (result == 1 && events.Count > 0)
        {
            RecordWritten(events.Count);
        }
        return result == 1;
    }

    private void RecordWritten(int count)
    {
        Metrics.EventsWritten.Add(count);
        Metrics.WriteBatchSize.Record(count);
    }


    private enum AcquireOutcome
    {
        Acquired,
        Busy,
        Orphan,
    }

    /// <summary>
    /// What starting a run found: its seq, which input messages the thread holds, and the thread's metadata before the
    /// run (its agent, null for a new thread; archived; the update time the run gave it), for its index entry.
    /// </summary>
    private sealed record AcquireResult(AcquireOutcome Outcome, long Seq, bool[] Known, string? PreviousAgent = null, bool Archived = false, long UpdatedAt = 0);
}
