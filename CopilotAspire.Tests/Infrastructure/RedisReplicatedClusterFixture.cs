namespace CopilotAspire.Tests.Infrastructure;

/// <summary>A Redis Cluster of three masters with one replica each (six nodes), for failover.</summary>
public sealed class RedisReplicatedClusterFixture : RedisClusterFixture
{
    protected override int ReplicasPerMaster => 1;
}
