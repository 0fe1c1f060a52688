using CopilotAspire.Runtime.Runners.Threads;

namespace CopilotAspire.Runtime.Runners;

/// <summary>
/// The <c>/threads</c> store of the in-memory runner: per scope and agent, a sorted set of its threads ordered by last
/// update (newest first), one for live threads and one for archived ones, so a page costs O(log n + page size). A thread
/// enters its index when its first run starts; every run moves it to the top. Eviction removes it from its index.
/// </summary>
public sealed partial class InMemoryAgentRunner
{
    private readonly Dictionary<IndexKey, SortedSet<IndexEntry>> _index = [];

    /// <inheritdoc/>
    public ValueTask<ThreadPage> ListThreadsAsync(ThreadListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        var after = query.Cursor is null ? (ThreadCursor?)null : ThreadCursor.Parse(query.Cursor);
        lock (_gate)
        {
            var live = Page(new IndexKey(query.Scope, query.AgentId, Archived: false), after, query.Limit + 1);
            var entries = query.IncludeArchived
                ? live.Concat(Page(new IndexKey(query.Scope, query.AgentId, Archived: true), after, query.Limit + 1)).Order(IndexEntry.Newest).ToList()
                : live;
            var page = entries.Take(query.Limit).Select(e => Record(_threads[new ThreadKey(e.ThreadId, query.Scope)])).ToList();
            var next = entries.Count > query.Limit ? new ThreadCursor(entries[query.Limit - 1].UpdatedAt, entries[query.Limit - 1].ThreadId).ToString() : null;
            return ValueTask.FromResult(new ThreadPage(page, next));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<RunnerEvent>> GetThreadEventsAsync(ThreadKey thread, CancellationToken cancellationToken)
    {
        List<StoredRun> runs;
        lock (_gate)
        {
            if (!_threads.TryGetValue(thread, out var state))
            {
                return ValueTask.FromResult<IReadOnlyList<RunnerEvent>>([]);
            }
            runs = [.. state.Runs];
        }
        var events = new List<RunnerEvent>();
        foreach (var run in runs)
        {
            for (var i = 0; i < run.Events.Count; i++)
            {
                events.Add(new RunnerEvent(run.Events, i));
            }
        }
        return ValueTask.FromResult<IReadOnlyList<RunnerEvent>>(events);
    }

    /// <inheritdoc/>
    public ValueTask<ThreadRecord?> UpdateThreadAsync(ThreadKey thread, ThreadUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_gate)
        {
            if (!_threads.TryGetValue(thread, out var state) || state.Metadata.AgentId is null)
            {
                return ValueTask.FromResult<ThreadRecord?>(null);
            }
            var metadata = state.Metadata;
            if (update.Name is not null)
            {
                metadata = metadata with { Name = update.Name.Length == 0 ? null : update.Name };
            }
            if (update.Archived is { } archived && archived != metadata.Archived)
            {
                Unindex(state);
                metadata = metadata with { Archived = archived };
                state.Metadata = metadata;
                IndexSet(state).Add(new IndexEntry(metadata.UpdatedAt, thread.ThreadId));
            }
            state.Metadata = metadata;
            return ValueTask.FromResult<ThreadRecord?>(Record(state));
        }
    }

    /// <inheritdoc/>
    public ValueTask<ThreadDeleteOutcome> DeleteThreadAsync(ThreadKey thread, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_threads.TryGetValue(thread, out var state))
            {
                return ValueTask.FromResult(ThreadDeleteOutcome.NotFound);
            }
            if (state.Execution is not null)
            {
                return ValueTask.FromResult(ThreadDeleteOutcome.Running);
            }
            Remove(state);
            return ValueTask.FromResult(ThreadDeleteOutcome.Deleted);
        }
    }

    /// <inheritdoc/>
    public ValueTask<int> ClearThreadsAsync(string? scope, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var idle = _threads.Values.Where(t => t.Key.Scope == scope && t.Execution is null).ToList();
            foreach (var thread in idle)
            {
                Remove(thread);
            }
            return ValueTask.FromResult(idle.Count);
        }
    }

    /// <summary>A run of <paramref name="agentId"/> starts on <paramref name="thread"/>: it moves to the top of that agent's index.</summary>
    private void Index(ThreadState thread, string agentId)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var metadata = thread.Metadata;
        if (metadata.AgentId is not null)
        {
            Unindex(thread);
        }
        thread.Metadata = metadata.AgentId is null
            ? new ThreadMetadata(agentId, null, false, now, now)
            : metadata with { AgentId = agentId, UpdatedAt = Math.Max(now, metadata.UpdatedAt) };
        IndexSet(thread).Add(new IndexEntry(thread.Metadata.UpdatedAt, thread.Key.ThreadId));
    }

    private void Unindex(ThreadState thread)
    {
        var key = new IndexKey(thread.Key.Scope, thread.Metadata.AgentId!, thread.Metadata.Archived);
        if (_index.TryGetValue(key, out var set) && set.Remove(new IndexEntry(thread.Metadata.UpdatedAt, thread.Key.ThreadId)) && set.Count == 0)
        {
            _index.Remove(key);
        }
    }

    private SortedSet<IndexEntry> IndexSet(ThreadState thread)
    {
        var key = new IndexKey(thread.Key.Scope, thread.Metadata.AgentId!, thread.Metadata.Archived);
        if (!_index.TryGetValue(key, out var set))
        {
            _index[key] = set = new SortedSet<IndexEntry>(IndexEntry.Newest);
        }
        return set;
    }

    /// <summary>Up to <paramref name="count"/> entries of an index after <paramref name="after"/>: a view of the sorted set, O(log n + count).</summary>
    private List<IndexEntry> Page(IndexKey key, ThreadCursor? after, int count)
    {
        if (!_index.TryGetValue(key, out var set) || set.Count == 0)
        {
            return [];
        }
        IEnumerable<IndexEntry> entries = set;
        if (after is { } cursor)
        {
            var from = new IndexEntry(cursor.UpdatedAt, cursor.ThreadId);
            if (IndexEntry.Newest.Compare(from, set.Max) >= 0)
            {
                return [];
            }
            entries = set.GetViewBetween(from, set.Max).SkipWhile(e => !cursor.Precedes(e.UpdatedAt, e.ThreadId));
        }
        return entries.Take(count).ToList();
    }

    /// <summary>Takes <paramref name="thread"/> out of the store and its index (it must not be running).</summary>
    private void Remove(ThreadState thread)
    {
        if (thread.Metadata.AgentId is not null)
        {
            Unindex(thread);
        }
        if (thread.Node is { } node)
        {
            _lru.Remove(node);
            thread.Node = null;
        }
        _threads.Remove(thread.Key);
        _bytes -= thread.Bytes;
    }

    private static ThreadRecord Record(ThreadState thread) => new()
    {
        Id = thread.Key.ThreadId,
        Name = thread.Metadata.Name,
        AgentId = thread.Metadata.AgentId!,
        Archived = thread.Metadata.Archived,
        CreatedAt = ThreadRecord.FormatTime(thread.Metadata.CreatedAt),
        UpdatedAt = ThreadRecord.FormatTime(thread.Metadata.UpdatedAt),
    };

    /// <summary>What the thread list shows of a thread; <see cref="AgentId"/> is null until its first run.</summary>
    private readonly record struct ThreadMetadata(string? AgentId, string? Name, bool Archived, long CreatedAt, long UpdatedAt);

    private readonly record struct IndexKey(string? Scope, string AgentId, bool Archived);

    private readonly record struct IndexEntry(long UpdatedAt, string ThreadId)
    {
        /// <summary>Newest first; equal times by id, descending (the Redis index's order).</summary>
        public static readonly IComparer<IndexEntry> Newest = Comparer<IndexEntry>.Create((a, b) =>
            a.UpdatedAt != b.UpdatedAt ? b.UpdatedAt.CompareTo(a.UpdatedAt) : string.CompareOrdinal(b.ThreadId, a.ThreadId));
    }
}
