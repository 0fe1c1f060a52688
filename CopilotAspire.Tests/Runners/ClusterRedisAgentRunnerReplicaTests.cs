using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Runners;

/// <summary>The replica checks on a three-master Redis Cluster (each replica with its own cluster connection).</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class ClusterRedisAgentRunnerReplicaTests(RedisClusterFixture cluster) : RedisAgentRunnerReplicaTests(cluster);
