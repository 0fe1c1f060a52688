using System.Globalization;
using System.Runtime.CompilerServices;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CopilotAspire.Runtime.Redis;

/// <summary>Connect: the thread's snapshot, replay of its stored runs, resume after an event id and the live tail of its active run.</summary>
public sealed partial class RedisAgentRunner
{
    private async Task<ThreadSnapshot> ReadSnapshotAsync(RedisThreadKeys keys)
    {
        var tx = Database.CreateTransaction();
        var activeTask = tx.HashGetAsync(keys.Active, ["seq", "token"]);
        var lockTask = tx.StringGetAsync(keys.Lock);
        var runsTask = tx.ListRangeAsync(keys.Runs);
        var ttl = _options.ThreadTtl;
        foreach (var key in new[] { keys.Runs, keys.MessageIds, keys.RunMessageIds, keys.Seq, keys.Meta })
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
            var prefix = RedisEventId.CompactedPrefix(run.Seq);
            if (run.Seq == resumeCompactedSeq)
            {
                for (var i = (int)resumeCompactedIndex; i < run.Events.Count; i++)
                {
                    yield return run.ToRunnerEvent(i, RedisEventId.WithPrefix(prefix, i + 1));
                }
            }
            else if (run.Seq > historyAfterSeq)
            {
                for (var i = 0; i < run.Events.Count; i++)
                {
                    yield return run.ToRunnerEvent(i, RedisEventId.WithPrefix(prefix, i + 1));
                }
            }
        }

        if (activeSeq is not { } seq)
        {
            yield break;
        }

        // As the in-memory runner: live events of a message that history already replayed are skipped.
        var replayed = new ReplayedMessages();
        foreach (var run in history)
        {
            foreach (var e in run.Events)
            {
                replayed.Add(e);
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
    private async IAsyncEnumerable<RunnerEvent> TailRunAsync(RedisThreadKeys keys, long seq, long after, ReplayedMessages? skipMessages, AsyncSignal? signal, bool untilEnd,
        TailProgress progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var streamKey = keys.Run(seq);
        var rawPrefix = RedisEventId.RawPrefix(seq);
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
                // One entry per written batch (its id: the batch's last index), a field per batch (name: the format
                // and the index of its first event; value: the events' JSON, one per line). See RedisEventBatch.
                foreach (var field in entry.Values)
                {
                    if (!RedisEventBatch.TryReadFieldName(field.Name, out var index, out var version))
                    {
                        LogNewerFormat(_logger, streamKey.ToString(), new StoredFormatException("stream entry", version, RedisEventBatch.FormatVersion));
                        progress.Failed = true;
                        yield break; // as if Redis went away: the client resumes with Last-Event-ID, on an upgraded replica
                    }
                    index--;
                    foreach (var json in RedisEventBatch.Split((byte[])field.Value!))
                    {
                        if (++index <= last)
                        {
                            continue; // resuming inside a batch
                        }
                        last = index;
                        var e = StoredEventReader.Read(json.Span);
                        var terminal = e is RunFinishedEvent or RunErrorEvent;
                        if (skipMessages is null || !skipMessages.Skips(e))
                        {
                            yield return new RunnerEvent(e, RedisEventId.WithPrefix(rawPrefix, last)) { Json = json };
                        }
                        if (terminal)
                        {
                            yield break;
                        }
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

    private enum OwnerState
    {
        Alive,
        Dead,
        Gone,
    }

    private sealed record ThreadSnapshot(List<StoredRun> Runs, long? ActiveSeq, bool IsOrphan);

    [LoggerMessage(EventId = 2200, Level = LogLevel.Warning, Message = "{Key} holds data in a format this replica does not read (a newer version wrote it): the request is refused (503) or the stream ended, nothing is changed")]
    private static partial void LogNewerFormat(ILogger logger, string key, Exception exception);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Reading {Key} from Redis failed; ending the connect stream (the client can resume with Last-Event-ID)")]
    private static partial void LogTailFailed(ILogger logger, string key, Exception exception);
}
