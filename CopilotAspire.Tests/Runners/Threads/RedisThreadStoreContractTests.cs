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
        var ids = Enumerable.Range(0, 6).Select(_ => NewThread()).ToList();
        foreach (var id in ids)
        {
            await RunAsync(new ThreadKey(id, scope), "r1");
        }
        // Three threads' keys vanish (as when ThreadTtl passes) while their index entries stay.
        _connection ??= await redis.ConnectAsync();
        var db = _connection.GetDatabase();
        foreach (var id in ids.Take(3))
        {
            await db.KeyDeleteAsync(_prefix + "{s:" + scope + "/" + id + "}:meta");
        }
        var page = await Store.ListThreadsAsync(new ThreadListQuery(scope, "agent-a", 3), Ct);
        Assert.Equal(ids.Skip(3).Order(StringComparer.Ordinal), page.Threads.Select(t => t.Id).Order(StringComparer.Ordinal));
        Assert.Null(page.NextCursor);
        Assert.Equal(3, await db.SortedSetLengthAsync(_prefix + "{i:" + scope + "}:live:agent-a"));
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
