using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Runtime.Runners.Threads;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CopilotAspire.Runtime.Redis;

/// <summary>
/// The <c>/threads</c> store of the Redis runner: each thread's metadata in its <c>meta</c> hash, each scope's index of
/// its threads per agent in sorted sets scored by last update (<see cref="RedisThreadIndexKeys"/>). A page is one
/// <c>ZRANGE … BYSCORE REV LIMIT</c> per index (O(log n + page size)) and one <c>HMGET</c> of the page's list records.
/// </summary>
public sealed partial class RedisAgentRunner : IThreadStore
{
    private static readonly RedisValue[] MetaFields = ["agentId", "name", "archived", "createdAt", "updatedAt"];

    /// <inheritdoc/>
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
            var sources = new List<IndexReader> { new(index.Index(query.AgentId, archived: false), archived: false, after) };
            if (query.IncludeArchived)
            {
                sources.Add(new IndexReader(index.Index(query.AgentId, archived: true), archived: true, after));
            }
            // Entries whose thread has expired are dropped as they are met; a page is read again until it is full.
            while (found.Count < want && sources.Any(s => !s.Done))
            {
                var candidates = new List<IndexEntry>();
                foreach (var source in sources.Where(s => !s.Done))
                {
                    candidates.AddRange(await source.ReadAsync(Database, want - found.Count).WaitAsync(cancellationToken).ConfigureAwait(false));
                }
                candidates.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(b.Id, a.Id));
                candidates = candidates.Take(want - found.Count).ToList();
                foreach (var source in sources)
                {
                    source.Consumed(candidates.Where(c => c.Source == source).Select(c => (c.Id, c.Score)).ToList());
                }
                found.AddRange(await RecordsAsync(index, query.Scope, query.AgentId, candidates).WaitAsync(cancellationToken).ConfigureAwait(false));
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

    /// <inheritdoc/>
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

    /// <inheritdoc/>
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
            var name = values[1].IsNullOrEmpty ? null : (string?)values[1];
            var index = IndexKeysFor(thread.Scope);
            var batch = Database.CreateBatch();
            var recorded = batch.HashSetAsync(index.Records, thread.ThreadId, new RedisThreadRecord((long)values[4], name).Encode());
            _ = batch.KeyExpireAsync(index.Records, _options.ThreadTtl, CommandFlags.FireAndForget);
            batch.Execute();
            if (wasArchived != isArchived)
            {
                await ReindexAsync(thread, agentId, wasArchived, agentId, isArchived, (long)values[5]).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            await recorded.WaitAsync(cancellationToken).ConfigureAwait(false);
            return Record(thread.ThreadId, [values[0], values[1].IsNullOrEmpty ? RedisValue.Null : values[1], values[3], values[4], values[5]]);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw Unavailable(ex);
        }
    }

    /// <inheritdoc/>
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

    /// <inheritdoc/>
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
    /// thread stays in its index (the common case: one round trip, no script; a new thread's list record with them), the
    /// move script when its agent changed.
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
            if (acquired.PreviousAgent is null)
            {
                // A new thread: its list record (created now, no name). A run of a known thread changes neither.
                _ = batch.HashSetAsync(index.Records, request.ThreadId, new RedisThreadRecord(acquired.UpdatedAt, null).Encode(), When.Always, CommandFlags.FireAndForget);
                _ = batch.KeyExpireAsync(index.Records, ttl, CommandFlags.FireAndForget);
            }
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
        return Database.ScriptEvaluateAsync(RedisThreadScripts.Reindex, [index.Index(fromAgent, fromArchived), index.Index(toAgent, toArchived), index.Agents, index.Records],
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
                var index = IndexKeysFor(thread.Scope);
                var batch = Database.CreateBatch();
                var unrecorded = batch.HashDeleteAsync(index.Records, thread.ThreadId);
                var unindexed = (string?)result[1] is { Length: > 0 } agentId
                    ? batch.SortedSetRemoveAsync(index.Index(agentId, result[2] == "1"), thread.ThreadId)
                    : Task.FromResult(false);
                batch.Execute();
                await Task.WhenAll(unrecorded, unindexed).ConfigureAwait(false);
                LogThreadDeleted(_logger, thread.ThreadId);
                return ThreadDeleteOutcome.Deleted;
            default:
                return ThreadDeleteOutcome.NotFound;
        }
    }

    /// <summary>
    /// The threads of a page's index entries: one <c>HMGET</c> of the scope's records hash. An entry without a record (indexed
    /// by an older replica) or old enough that its thread may have expired (<see cref="ExpiryCheckAfter"/>) is checked
    /// against the thread's <c>meta</c> instead (one pipelined read for those): gone, its entry and record are dropped;
    /// found without a record, the record is written (<c>HSETNX</c>: never over one a rename wrote meanwhile).
    /// </summary>
    private async Task<List<(ThreadRecord Record, long Score)>> RecordsAsync(RedisThreadIndexKeys index, string? scope, string agentId, List<IndexEntry> entries)
    {
        var result = new List<(ThreadRecord, long)>(entries.Count);
        if (entries.Count == 0)
        {
            return result;
        }
        var stored = await Database.HashGetAsync(index.Records, entries.ConvertAll(e => (RedisValue)e.Id).ToArray()).ConfigureAwait(false);
        var checkBefore = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - Milliseconds(ExpiryCheckAfter(_options.ThreadTtl));
        var records = new RedisThreadRecord?[entries.Count];
        IBatch? batch = null;
        var metas = new Task<RedisValue[]>?[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            records[i] = RedisThreadRecord.TryDecode(stored[i], out var record) ? record : null;
            if (records[i] is null || entries[i].Score < checkBefore)
            {
                batch ??= Database.CreateBatch();
                metas[i] = batch.HashGetAsync(KeysFor(new ThreadKey(entries[i].Id, scope)).Meta, MetaFields);
            }
        }
        if (batch is null)
        {
            // Every entry has its record and is young enough: the common page, no further call.
            for (var i = 0; i < entries.Count; i++)
            {
                result.Add((FromRecord(entries[i], agentId, records[i]!.Value), entries[i].Score));
            }
            return result;
        }
        batch.Execute();
        var repairs = Database.CreateBatch();
        var repaired = new List<Task>();
        var backfilled = false;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (metas[i] is not { } read)
            {
                result.Add((FromRecord(entry, agentId, records[i]!.Value), entry.Score));
                continue;
            }
            var meta = await read.ConfigureAwait(false);
            if (meta[0].IsNull)
            {
                repaired.Add(repairs.SortedSetRemoveAsync(entry.Source.Key, entry.Id));
                repaired.Add(repairs.HashDeleteAsync(index.Records, entry.Id));
                continue;
            }
            if (records[i] is null)
            {
                var backfill = new RedisThreadRecord(meta[3].IsNull ? 0 : (long)meta[3], meta[1].IsNullOrEmpty ? null : (string?)meta[1]);
                repaired.Add(repairs.HashSetAsync(index.Records, entry.Id, backfill.Encode(), When.NotExists));
                backfilled = true;
            }
            result.Add((Record(entry.Id, meta), entry.Score));
        }
        if (backfilled)
        {
            _ = repairs.KeyExpireAsync(index.Records, _options.ThreadTtl, CommandFlags.FireAndForget); // it may have been created now
        }
        repairs.Execute();
        await Task.WhenAll(repaired).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// How old (by last update) an index entry must be before a list checks that its thread still exists: 90% of
    /// ThreadTtl. A thread's keys live ThreadTtl from its last run, so a younger entry's thread cannot have expired
    /// (the tenth covers clock differences between replicas and Redis).
    /// </summary>
    internal static TimeSpan ExpiryCheckAfter(TimeSpan threadTtl) => threadTtl - threadTtl / 10;

    private RedisThreadIndexKeys IndexKeysFor(string? scope) => new(_options.KeyPrefix, scope);

    /// <summary>A thread from its index entry and list record.</summary>
    private static ThreadRecord FromRecord(IndexEntry entry, string agentId, RedisThreadRecord record) => new()
    {
        Id = entry.Id,
        AgentId = agentId,
        Name = record.Name,
        Archived = entry.Source.Archived,
        CreatedAt = ThreadRecord.FormatTime(record.CreatedAt),
        UpdatedAt = ThreadRecord.FormatTime(entry.Score),
    };

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

    [LoggerMessage(EventId = 2600, Level = LogLevel.Information, Message = "Thread {ThreadId} deleted")]
    private static partial void LogThreadDeleted(ILogger logger, string threadId);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Warning, Message = "Thread {ThreadId} could not be indexed for /threads; it is listed again after its next run")]
    private static partial void LogIndexFailed(ILogger logger, string threadId, Exception exception);

    [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "{Count} threads cleared")]
    private static partial void LogThreadsCleared(ILogger logger, int count);
}
