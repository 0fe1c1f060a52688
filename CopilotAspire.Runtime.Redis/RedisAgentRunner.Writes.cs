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
    /// (<paramref name="run"/> null = store nothing, and no message ids) and frees the thread, for an orphan's closing
    /// (the events go through the finish script, after checking that the stream's last entry is still
    /// <paramref name="streamTop"/>, <c>none</c> for no entry).
    /// </summary>
    internal async Task<FinishOutcome> FinishAsync(RedisThreadKeys keys, string token, long seq, long firstIndex, IReadOnlyList<RunnerEvent> events, StoredRun? run,
        IReadOnlyCollection<string> messageIds, string streamTop) =>
        await FinishAsync(keys, token, seq, firstIndex, events, run is null ? null : StoredRunCodec.Serialize(run), run is null ? [] : messageIds, streamEntries: null, streamTop).ConfigureAwait(false);

    /// <summary>
    /// As above, with the run already serialized (<see cref="StoredRunCodec.Serialize"/>; null = store nothing). With
    /// <paramref name="streamEntries"/> (the owner's finish: the entries its batches wrote so far) the last batch goes as
    /// a plain <c>XADD</c> (and the stream's <c>PEXPIRE</c>) pipelined before the script, which checks it landed: its
    /// bytes never pass through Lua. Without it, the batch goes through the script.
    /// </summary>
    internal async Task<FinishOutcome> FinishAsync(RedisThreadKeys keys, string token, long seq, long firstIndex, IReadOnlyList<RunnerEvent> events, byte[]? run,
        IReadOnlyCollection<string> messageIds, long? streamEntries, string? streamTop = null)
    {
        var db = Database;
        var stream = keys.Run(seq);
        var lastIndex = firstIndex + events.Count - 1;
        var plain = streamEntries is not null && events.Count > 0;
        Task<RedisValue>? added = null;
        if (plain)
        {
            // Sent in this order on the thread's connection (one slot): the entry, its expiry (the stream may be new; the
            // script shortens it to the resume window), then the script that checks the entry and stores the run.
            added = db.StreamAddAsync(stream, RedisEventBatch.FieldPrefix + firstIndex.ToString(CultureInfo.InvariantCulture), RunJsonArena.Batch(events),
                "0-" + lastIndex.ToString(CultureInfo.InvariantCulture));
            _ = db.KeyExpireAsync(stream, _options.ThreadTtl, CommandFlags.FireAndForget);
        }
        var args = new RedisValue[12 + messageIds.Count];
        args[0] = token;
        args[1] = Milliseconds(_options.ThreadTtl);
        args[2] = Milliseconds(_options.ResumeWindow);
        args[3] = _options.MaxRunsPerThread;
        args[4] = keys.NotifyName;
        args[5] = run is null ? RedisValue.EmptyString : run;
        args[6] = seq;
        args[7] = firstIndex;
        args[8] = lastIndex;
        args[9] = plain || events.Count == 0 ? RedisValue.EmptyString : RunJsonArena.Batch(events);
        args[10] = plain ? streamEntries!.Value + 1 : RedisValue.EmptyString;
        args[11] = streamTop ?? RedisValue.EmptyString;
        var i = 12;
        foreach (var id in messageIds)
        {
            args[i++] = id;
        }
        var script = db.ScriptEvaluateAsync(RedisScripts.Finish, [keys.Lock, keys.Active, stream, keys.Runs, keys.MessageIds, keys.RunMessageIds], args);
        // The script's answer first: replies come in order, so the XADD's is in by then (no second wake-up for it).
        FinishOutcome outcome;
        try
        {
            outcome = (FinishOutcome)(int)await script.ConfigureAwait(false);
        }
        catch when (added is not null)
        {
            _ = added.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw; // the script's failure is the one retried or reported; the XADD's is observed above
        }
        Exception? addFailed = null;
        if (added is not null)
        {
            try
            {
                await added.ConfigureAwait(false);
            }
            catch (RedisServerException ex) when (ex.Message.Contains("equal or smaller", StringComparison.Ordinal))
            {
                // Entry 0-K is there already (a retried finish whose first attempt wrote it); the script checked the rest.
            }
#pragma warning disable CA1031 // The script's answer says whether it matters; then it is rethrown below.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                addFailed = ex;
            }
        }
        if (outcome == FinishOutcome.BatchMissing && addFailed is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(addFailed); // e.g. Redis out of memory: retried while the lease lasts
        }
        if (outcome == FinishOutcome.Stored && events.Count > 0)
        {
            RecordWritten(events.Count);
        }
        return outcome;
    }

    /// <summary>The finish script's answer.</summary>
    internal enum FinishOutcome
    {
        /// <summary>The lock is not the caller's: nothing was changed.</summary>
        NotOwner = 0,

        /// <summary>The run is stored and the thread free.</summary>
        Stored = 1,

        /// <summary>The stream's last entry is not the one the caller read (an orphan's closing reads it again).</summary>
        StreamMoved = 2,

        /// <summary>The stream holds fewer entries than the owner wrote (its XADD failed: that error is thrown instead).</summary>
        BatchMissing = 3,
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
