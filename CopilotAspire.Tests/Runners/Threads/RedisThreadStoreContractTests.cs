using CopilotAspire.Runtime.Redis;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Runtime.Runners.Threads;
using CopilotAspire.Tests.Infrastructure;
using StackExchange.Redis;

namespace CopilotAspire.Tests.Runners.Threads;

[Kind(TestKind.Process)]
public sealed class RedisThreadStoreContractTests(RedisServerFixture redis) : ThreadStoreContractTests, IClassFixture<RedisServerFixture>
{
    private readonly RedisRunnerFactory _factory = new(redis);
    private readonly string _prefix = "threads-" + Guid.NewGuid().ToString("N")[..8] + ":";
    private ConnectionMultiplexer? _connection;

    protected override async ValueTask<AgentRunner> CreateRunnerAsync() => await _factory.CreateAsync(o => o.KeyPrefix = _prefix);

    private async Task<IServer> ServerAsync()
    {
        _connection ??= await redis.ConnectAsync();
        return _connection.GetServer(_connection.GetEndPoints()[0]);
    }

    protected override async Task AssertNothingStoredAsync(ThreadKey thread)
    {
        var server = await ServerAsync();
        var tag = thread.Scope is null ? "{t:" + thread.ThreadId + "}" : "{s:" + thread.Scope + "/" + thread.ThreadId + "}";
        var left = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: _prefix + tag + "*"))
        {
            left.Add(key!);
        }
        Assert.Empty(left);
        var index = await _connection!.GetDatabase().SortedSetRankAsync(_prefix + "{i:" + thread.Scope + "}:live:agent-a", thread.ThreadId);
        Assert.Null(index);
    }

    [Fact]
    public async Task A_thread_created_on_one_replica_is_listed_renamed_and_deleted_on_another()
    {
        var other = await _factory.CreateAsync(o => o.KeyPrefix = _prefix);
        var thread = new ThreadKey(NewThread(), "replicas");
        await RunAsync(thread, "r1");

        Assert.Equal(thread.ThreadId, (await other.ListThreadsAsync(new ThreadListQuery("replicas", "agent-a", 10), Ct)).Threads.Single().Id);
        Assert.Equal("renamed", (await other.UpdateThreadAsync(thread, new ThreadUpdate(Name: "renamed"), Ct))!.Name);
        Assert.Equal("renamed", (await Store.ListThreadsAsync(new ThreadListQuery("replicas", "agent-a", 10), Ct)).Threads.Single().Name);
        Assert.Equal(ThreadDeleteOutcome.Deleted, await other.DeleteThreadAsync(thread, Ct));
        Assert.Empty((await Store.ListThreadsAsync(new ThreadListQuery("replicas", "agent-a", 10), Ct)).Threads);
        await AssertNothingStoredAsync(thread);
    }

    [Fact]
    public async Task Index_entries_whose_thread_expired_are_dropped_and_the_page_is_still_full()
    {
        var scope = "stale-" + Guid.NewGuid().ToString("N")[..6];
        var ids = Enumerable.Range(0, 7).Select(_ => NewThread()).ToList();
        foreach (var id in ids)
        {
            await RunAsync(new ThreadKey(id, scope), "r1");
        }
        // Three threads expire as when ThreadTtl passes: their last update is older than ThreadTtl and their keys are
        // gone, while their index entries and records stay. A fourth is as old but still alive (renewed by a connect).
        var db = await DatabaseAsync();
        var index = _prefix + "{i:" + scope + "}:live:agent-a";
        var longAgo = DateTimeOffset.UtcNow.AddDays(-8).ToUnixTimeMilliseconds();
        foreach (var id in ids.Take(4))
        {
            await db.SortedSetAddAsync(index, id, longAgo);
        }
        foreach (var id in ids.Take(3))
        {
            await db.KeyDeleteAsync(_prefix + "{s:" + scope + "/" + id + "}:meta");
        }
        var page = await Store.ListThreadsAsync(new ThreadListQuery(scope, "agent-a", 4), Ct);
        Assert.Equal(ids.Skip(3).Order(StringComparer.Ordinal), page.Threads.Select(t => t.Id).Order(StringComparer.Ordinal));
        Assert.Equal(ids[3], page.Threads[^1].Id);
        Assert.Null(page.NextCursor);
        Assert.Equal(4, await db.SortedSetLengthAsync(index));
        Assert.Equal(ids.Skip(3).Order(StringComparer.Ordinal), (await db.HashKeysAsync(RecordsKey(scope))).Select(k => (string)k!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Threads_indexed_without_a_list_record_are_listed_from_their_metadata_and_get_one()
    {
        var scope = "old-" + Guid.NewGuid().ToString("N")[..6];
        var ids = Enumerable.Range(0, 4).Select(_ => NewThread()).ToList();
        foreach (var id in ids)
        {
            await RunAsync(new ThreadKey(id, scope), "r1");
        }
        await Store.UpdateThreadAsync(new ThreadKey(ids[0], scope), new ThreadUpdate(Name: "first | named"), Ct);
        await Store.UpdateThreadAsync(new ThreadKey(ids[1], scope), new ThreadUpdate(Archived: true), Ct);
        var query = new ThreadListQuery(scope, "agent-a", 10, IncludeArchived: true);
        var expected = (await Store.ListThreadsAsync(query, Ct)).Threads;

        // As an older replica leaves them: no records at all; and one record in a format this replica does not know.
        var db = await DatabaseAsync();
        await db.KeyDeleteAsync(RecordsKey(scope));
        await db.HashSetAsync(RecordsKey(scope), ids[2], "9|future");
        var listed = (await Store.ListThreadsAsync(query, Ct)).Threads;
        Assert.Equal(expected, listed);
        Assert.Equal("first | named", listed.Single(t => t.Id == ids[0]).Name);
        Assert.True(listed.Single(t => t.Id == ids[1]).Archived);

        // The records were written back (never over one that exists), and the next page reads them.
        var records = await db.HashGetAllAsync(RecordsKey(scope));
        Assert.Equal(4, records.Length);
        Assert.Equal("9|future", (string?)records.Single(r => r.Name == ids[2]).Value);
        Assert.All(records.Where(r => r.Name != ids[2]), r => Assert.StartsWith("1|", (string?)r.Value, StringComparison.Ordinal));
        Assert.Equal(expected, (await Store.ListThreadsAsync(query, Ct)).Threads);
    }

    [Fact]
    public async Task The_list_records_follow_rename_archive_agent_change_and_delete()
    {
        var scope = "records-" + Guid.NewGuid().ToString("N")[..6];
        var (a, b) = (new ThreadKey(NewThread(), scope), new ThreadKey(NewThread(), scope));
        await RunAsync(a, "r1");
        await RunAsync(b, "r1");
        var other = await _factory.CreateAsync(o => o.KeyPrefix = _prefix);
        var otherStore = (IThreadStore)other;

        var renamed = await otherStore.UpdateThreadAsync(a, new ThreadUpdate(Name: "alpha"), Ct);
        var archived = await otherStore.UpdateThreadAsync(b, new ThreadUpdate(Name: "beta", Archived: true), Ct);
        Assert.Equal([renamed!], (await Store.ListThreadsAsync(new ThreadListQuery(scope, "agent-a", 10), Ct)).Threads);
        var all = (await Store.ListThreadsAsync(new ThreadListQuery(scope, "agent-a", 10, IncludeArchived: true), Ct)).Threads;
        Assert.Equal(archived, all.Single(t => t.Id == b.ThreadId));
        Assert.True(all.Single(t => t.Id == b.ThreadId).Archived);

        var cleared = await Store.UpdateThreadAsync(a, new ThreadUpdate(Name: ""), Ct);
        Assert.Null(cleared!.Name);
        var unarchived = await Store.UpdateThreadAsync(b, new ThreadUpdate(Archived: false), Ct);
        Assert.Equal(
            new[] { cleared, unarchived! }.OrderBy(t => t.Id, StringComparer.Ordinal),
            (await otherStore.ListThreadsAsync(new ThreadListQuery(scope, "agent-a", 10), Ct)).Threads.OrderBy(t => t.Id, StringComparer.Ordinal));

        // A run of another agent moves the thread; its name and creation time go with it.
        await RunAsync(b, "r2", agentId: "agent-b");
        var moved = (await otherStore.ListThreadsAsync(new ThreadListQuery(scope, "agent-b", 10), Ct)).Threads.Single();
        Assert.Equal(("beta", unarchived!.CreatedAt, "agent-b"), (moved.Name, moved.CreatedAt, moved.AgentId));
        Assert.Equal(moved, await MetaRecordAsync(b));

        Assert.Equal(ThreadDeleteOutcome.Deleted, await otherStore.DeleteThreadAsync(a, Ct));
        var db = await DatabaseAsync();
        Assert.False(await db.HashExistsAsync(RecordsKey(scope), a.ThreadId));
        Assert.Empty((await Store.ListThreadsAsync(new ThreadListQuery(scope, "agent-a", 10, IncludeArchived: true), Ct)).Threads);
        await AssertNothingStoredAsync(a);
    }

    private string RecordsKey(string scope) => _prefix + "{i:" + scope + "}:records";

    private async Task<IDatabase> DatabaseAsync()
    {
        _connection ??= await redis.ConnectAsync();
        return _connection.GetDatabase();
    }

    /// <summary>The thread as its own metadata says (the list's fallback path, its records hash removed for the read).</summary>
    private async Task<ThreadRecord> MetaRecordAsync(ThreadKey thread)
    {
        var db = await DatabaseAsync();
        await db.HashDeleteAsync(RecordsKey(thread.Scope!), thread.ThreadId);
        var page = await Store.ListThreadsAsync(new ThreadListQuery(thread.Scope, "agent-b", 10, IncludeArchived: true), Ct);
        return page.Threads.Single(t => t.Id == thread.ThreadId);
    }

    public override async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
        await base.DisposeAsync();
    }
}
