using CopilotAspire.Tests.Infrastructure;
using StackExchange.Redis;

namespace CopilotAspire.Tests.Runners;

/// <summary>The replica checks on a three-master Redis Cluster (each replica with its own cluster connection).</summary>
[Kind(TestKind.Process)]
[Collection(RedisClusterCollection.Name)]
public sealed class ClusterRedisAgentRunnerReplicaTests(RedisClusterFixture cluster) : RedisAgentRunnerReplicaTests(cluster)
{
    /// <summary>What makes the cluster suites a check that the runner touches one slot per script: a script that does not is refused.</summary>
    [Fact]
    public async Task A_script_whose_keys_are_in_two_slots_is_refused()
    {
        await using var connection = await cluster.ConnectAsync();
        Assert.NotEqual(connection.HashSlot("copilot:{t:a}:lock"), connection.HashSlot("copilot:{t:b}:lock"));

        // StackExchange.Redis refuses it before sending (RedisCommandException); the server would answer CROSSSLOT.
        var refused = await Assert.ThrowsAsync<RedisCommandException>(() => connection.GetDatabase().ScriptEvaluateAsync(
            "return redis.call('GET', KEYS[1])", ["copilot:{t:a}:lock", "copilot:{t:b}:lock"]));
        Assert.Contains("slot", refused.Message, StringComparison.OrdinalIgnoreCase);
    }
}
