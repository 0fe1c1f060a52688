using CopilotAspire.Runtime.Runners;
using CopilotAspire.Tests.Infrastructure;
using StackExchange.Redis;

namespace CopilotAspire.Tests.Runners.Threads;

/// <summary>
/// The thread store's contract on a three-master Redis Cluster: a scope's index, its records and the list script touch
/// one slot (the scope's hash tag), a thread's keys another (its own), so every command and script must stay within
/// one of them (the cluster refuses anything else with CROSSSLOT), and delete must find every key of a thread wherever it lives.
/// </summary>
[Kind(TestKind.Process)]
[Collection(RedisClusterCollection.Name)]
public sealed class ClusterRedisThreadStoreContractTests(RedisClusterFixture cluster) : ThreadStoreContractTests
{
    private readonly RedisRunnerFactory _factory = new(cluster);
    private readonly string _prefix = "threads-" + Guid.NewGuid().ToString("N")[..8] + ":";
    private ConnectionMultiplexer? _connection;

    protected override async ValueTask<AgentRunner> CreateRunnerAsync() => await _factory.CreateAsync(o => o.KeyPrefix = _prefix);

    protected override async Task AssertNothingStoredAsync(ThreadKey thread)
    {
        _connection ??= await cluster.ConnectAsync();
        var tag = thread.Scope is null ? "{t:" + thread.ThreadId + "}" : "{s:" + thread.Scope + "/" + thread.ThreadId + "}";
        var left = new List<string>();
        foreach (var server in _connection.GetServers().Where(s => !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: _prefix + tag + "*"))
            {
                left.Add(key!);
            }
        }
        Assert.Empty(left);
        var db = _connection.GetDatabase();
        var index = await db.SortedSetRankAsync(_prefix + "{i:" + thread.Scope + "}:live:agent-a", thread.ThreadId);
        Assert.Null(index);
        Assert.False(await db.HashExistsAsync(_prefix + "{i:" + thread.Scope + "}:records", thread.ThreadId));
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
