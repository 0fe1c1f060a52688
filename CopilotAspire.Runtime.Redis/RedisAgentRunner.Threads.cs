using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Runtime.Runners.Threads;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CopilotAspire.Runtime.Redis;

/// <summary>
/// The <c>/threads</c> store of the Redis runner: each thread's metadata in its <c>meta</c> hash, each scope's index of
/// its threads per agent in sorted sets scored by last update (<see cref="RedisThreadIndexKeys"/>). A page is one
/// <c>ZRANGE … BYSCORE REV LIMIT</c> per index (O(log n + page size)) and one pipelined read of the page's metadata.
/// </summary>
public sealed partial class RedisAgentRunner : IThreadStore
{
    private static readonly RedisValue[] MetaFields = ["agentId", "name", "archived", "createdAt", "updatedAt"];

    public async ValueTask<ThreadPage> ListThreadsAsync(ThreadListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        var after = query.Cursor is null ? (ThreadCursor?)null : ThreadCursor.Parse(query.Cursor);
        ThrowIfUnavailable();
        try
        {
            var index = IndexKeysFor(query.Scope);
            var want = query.Limit + 1; // one more tells whether there is a next page
            var found = new List<(ThreadRecord Record, long Score)>(want);
            var sources = new List<IndexReader> { new(index.Index(query.AgentId, archived: false), after) };
            if (query.IncludeArchived)
            {
                sources.Add(new IndexReader(index.Index(query.AgentId, archived: true), after));
            }
            // Entries whose thread has expired are dropped as they are met; a page is read again until it is full.
            while (found.Count < want && sources.Any(s => !s.Done))
            {
                var candidates = new List<(RedisKey Index, string Id, long Score)>();
                foreach (var source in sources.Where(s => !s.Done))
                {
                    candidates.AddRange(await source.ReadAsync(Database, want - found.Count).WaitAsync(cancellationToken).ConfigureAwait(false));
                }
                candidates.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(b.Id, a.Id));
                candidates = candidates.Take(want - found.Count).ToList();
                foreach (var source in sources)
                {
                    source.Consumed(candidates.Where(c => c.Index == source.Key).Select(c => (c.Id, c.Score)).ToList());
                }
                var batch = Database.CreateBatch();
                var reads = candidates.Select(c => batch.HashGetAsync(KeysFor(new ThreadKey(c.Id, query.Scope)).Meta, MetaFields)).ToList();
                batch.Execute();
                for (var i = 0; i < candidates.Count; i++)
                {
                    var meta = await reads[i].WaitAsync(cancellationToken).ConfigureAwait(false);
                    if (meta[0].IsNull)
                    {
                        await Database.SortedSetRemoveAsync(candidates[i].Index, candidates[i].Id).WaitAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    found.Add((Record(candidates[i].Id, meta), candidates[i].Score));
                }
            }
            var page = found.Take(query.Limit).ToList();
            var next = found.Count > query.Limit ? new ThreadCursor(page[^1].Score, page[^1].Record.Id).ToString() : null;
            return new ThreadPage(page.Select(p => p.Record).ToList(), next);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw Unavailable(ex);
        }
    }

    public async ValueTask<IReadOnlyList<RunnerEvent>> GetThreadEventsAsync(ThreadKey thread, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        try
        {
            var snapshot = await ReadSnapshotAsync(KeysFor(thread)).WaitAsync(cancellationToken).ConfigureAwait(false);
            var events = new List<RunnerEvent>();
            foreach (var run in snapshot.Runs)
            {
                for (var i = 0; i < run.Events.Count; i++)
                {
                    events.Add(run.Events is IStoredEvents stored ? new RunnerEvent(stored, i) : new RunnerEvent(run.Events[i]));
                }
            }
            return events;
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw Unavailable(ex);
        }
    }

    public async ValueTask<ThreadRecord?> UpdateThreadAsync(ThreadKey thread, ThreadUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        ThrowIfUnavailable();
        try
        {
            var keys = KeysFor(thread);
            var archived = update.Archived is { } a ? (a ? "1" : "0") : "";
            var result = await Database.ScriptEvaluateAsync(RedisThreadScripts.Update, [keys.Meta],
                [update.Name is null ? "0" : "1", update.Name ?? "", archived, Milliseconds(_options.ThreadTtl)]).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsNull)
            {
                return null;
            }
            var values = (RedisValue[])result!;
            var agentId = (string)values[0]!;
            var wasArchived = values[2] == "1";
            var isArchived = values[3] == "1";
            if (wasArchived != isArchived)
            {
                await ReindexAsync(thread, agentId, wasArchived, agentId, isArchived, (long)values[5]).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            return Record(thread.ThreadId, [values[0], values[1].IsNullOrEmpty ? RedisValue.Null : values[1], values[3], values[4], values[5]]);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw Unavailable(ex);
        }
    }

    public async ValueTask<ThreadDeleteOutcome> DeleteThreadAsync(ThreadKey thread, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        try
        {
            return await DeleteAsync(thread).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw Unavailable(ex);
        }
    }

    public async ValueTask<int> ClearThreadsAsync(string? scope, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        try
        {
            var index = IndexKeysFor(scope);
            var deleted = 0;
            foreach (var agent in await Database.SetMembersAsync(index.Agents).WaitAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var archived in new[] { false, true })
                {
                    var ids = await Database.SortedSetRangeByRankAsync(index.Index((string)agent!, archived)).WaitAsync(cancellationToken).ConfigureAwait(false);
                    foreach (var chunk in ids.Chunk(256))
                    {
                        var outcomes = await Task.WhenAll(chunk.Select(id => DeleteAsync(new ThreadKey((string)id!, scope)))).WaitAsync(cancellationToken).ConfigureAwait(false);
                        deleted += outcomes.Count(o => o == ThreadDeleteOutcome.Deleted);
                    }
                }
            }
            LogThreadsCleared(_logger, deleted);
            return deleted;
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw Unavailable(ex);
        }
    }

    /// <summary>
    /// Indexes a started run (the start script already updated the thread's metadata): plain pipelined commands when the
    /// thread stays in its index (the common case: one round trip, no script), the move script when its agent changed.
    /// A failure leaves the index stale (logged), never the run without its stream.
    /// </summary>
    private async Task IndexRunSafelyAsync(AgentRunRequest request, AcquireResult acquired)
    {
        try
        {
            var from = acquired.PreviousAgent ?? request.AgentId;
            if (from != request.AgentId)
            {
                await ReindexAsync(request.Thread, from, acquired.Archived, request.AgentId, acquired.Archived, acquired.UpdatedAt).ConfigureAwait(false);
                return;
            }
            var index = IndexKeysFor(request.Thread.Scope);
            var key = index.Index(request.AgentId, acquired.Archived);
            var ttl = _options.ThreadTtl;
            // Sent together (one slot: the scope's); only the entry itself is awaited (a failure is logged below), the
            // agents set and the expiries have no answer worth a continuation of their own.
            var batch = Database.CreateBatch();
            _ = batch.SetAddAsync(index.Agents, request.AgentId, CommandFlags.FireAndForget);
            _ = batch.KeyExpireAsync(index.Agents, ttl, CommandFlags.FireAndForget);
            var added = batch.SortedSetAddAsync(key, request.ThreadId, acquired.UpdatedAt);
            _ = batch.KeyExpireAsync(key, ttl, CommandFlags.FireAndForget); // after the ZADD: a new index gets its expiry
            batch.Execute();
            await added.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The run is started: a failed index update must not fail its request.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogIndexFailed(_logger, request.ThreadId, ex);
        }
    }

    private Task ReindexAsync(ThreadKey thread, string fromAgent, bool fromArchived, string toAgent, bool toArchived, long score)
    {
        var index = IndexKeysFor(thread.Scope);
        return Database.ScriptEvaluateAsync(RedisThreadScripts.Reindex, [index.Index(fromAgent, fromArchived), index.Index(toAgent, toArchived), index.Agents],
            [thread.ThreadId, score, toAgent, Milliseconds(_options.ThreadTtl)]);
    }

    private async Task<ThreadDeleteOutcome> DeleteAsync(ThreadKey thread)
    {
        var keys = KeysFor(thread);
        var result = (RedisValue[])(await Database.ScriptEvaluateAsync(RedisThreadScripts.Delete,
            [keys.Lock, keys.Active, keys.Seq, keys.Runs, keys.MessageIds, keys.RunMessageIds, keys.Meta], [keys.RunPrefix]).ConfigureAwait(false))!;
        switch ((string?)result[0])
        {
            case "running":
                return ThreadDeleteOutcome.Running;
            case "ok":
                if ((string?)result[1] is { Length: > 0 } agentId)
                {
                    await Database.SortedSetRemoveAsync(IndexKeysFor(thread.Scope).Index(agentId, result[2] == "1"), thread.ThreadId).ConfigureAwait(false);
                }
                LogThreadDeleted(_logger, thread.ThreadId);
                return ThreadDeleteOutcome.Deleted;
            default:
                return ThreadDeleteOutcome.NotFound;
        }
    }

    private RedisThreadIndexKeys IndexKeysFor(string? scope) => new(_options.KeyPrefix, scope);

    /// <summary>A thread from its metadata fields (<see cref="MetaFields"/>).</summary>
    private static ThreadRecord Record(string threadId, RedisValue[] meta) => new()
    {
        Id = threadId,
        AgentId = (string)meta[0]!,
        Name = meta[1].IsNull ? null : (string?)meta[1],
        Archived = meta[2] == "1",
        CreatedAt = ThreadRecord.FormatTime(meta[3].IsNull ? 0 : (long)meta[3]),
        UpdatedAt = ThreadRecord.FormatTime(meta[4].IsNull ? 0 : (long)meta[4]),
    };

    /// <summary>Reads one index page by page from a cursor: <c>ZRANGE key max -inf BYSCORE REV LIMIT offset count</c>.</summary>
    private sealed class IndexReader(RedisKey key, ThreadCursor? after)
    {
        private double _max = after?.UpdatedAt ?? double.PositiveInfinity;
        private ThreadCursor? _after = after;
        private long _offset;

        public RedisKey Key { get; } = key;

        public bool Done { get; private set; }

        public async Task<List<(RedisKey, string, long)>> ReadAsync(IDatabase db, int count)
        {
            var result = new List<(RedisKey, string, long)>(count);
            var exhausted = false;
            // Entries of the cursor's own time that come before it are skipped here (rare: ids updated in the same ms).
            while (result.Count < count && !exhausted)
            {
                // From a cursor the range starts at the cursor's own entry (inclusive: ties of its time): one more covers it.
                var take = count + (_after is null ? 0 : 1);
                var entries = await db.SortedSetRangeByScoreWithScoresAsync(Key, _max, double.NegativeInfinity, Exclude.None, Order.Descending, _offset, take).ConfigureAwait(false);
                exhausted = entries.Length < take;
                _offset += entries.Length;
                foreach (var e in entries)
                {
                    var score = (long)e.Score;
                    if (_after is { } c && !c.Precedes(score, (string)e.Element!))
                    {
                        continue;
                    }
                    result.Add((Key, (string)e.Element!, score));
                }
            }
            _lastRead = result.Count;
            _lastExhausted = exhausted;
            return result;
        }

        /// <summary>The merge used these entries of the last read: the next read starts after the last of them.</summary>
        public void Consumed(List<(string Id, long Score)> used)
        {
            if (used.Count > 0)
            {
                _max = used[^1].Score;
                _after = new ThreadCursor(used[^1].Score, used[^1].Id);
            }
            _offset = 0;
            Done = _lastExhausted && used.Count == _lastRead;
        }

        private int _lastRead;
        private bool _lastExhausted;
    }

    [LoggerMessage(EventId = 2600, Level = LogLevel.Information, Message = "Thread {ThreadId} deleted")]
    private static partial void LogThreadDeleted(ILogger logger, string threadId);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Warning, Message = "Thread {ThreadId} could not be indexed for /threads; it is listed again after its next run")]
    private static partial void LogIndexFailed(ILogger logger, string threadId, Exception exception);

    [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "{Count} threads cleared")]
    private static partial void LogThreadsCleared(ILogger logger, int count);
}
