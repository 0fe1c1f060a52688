using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Runners;

/// <summary>
/// <see cref="RedisClusterFailoverTests"/> with <c>CLUSTER FAILOVER TAKEOVER</c> (the replica promotes itself without its
/// master's agreement), on a cluster of its own: what the master acknowledged but had not replicated can be lost from
/// the run's stream (reported), the runs still finish and every stored run is complete.
/// </summary>
[Kind(TestKind.Process)]
public sealed class RedisClusterTakeoverTests(RedisReplicatedClusterFixture cluster) : RedisClusterFailoverTests(cluster)
{
    protected override bool Takeover => true;
}
