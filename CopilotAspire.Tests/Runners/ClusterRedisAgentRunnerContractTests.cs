using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Runners;

/// <summary>
/// The runner contract on a three-master Redis Cluster: every script and multi-key command of the runner must
/// touch one hash slot (the cluster refuses anything else with CROSSSLOT), and pub/sub must reach across nodes.
/// </summary>
[Kind(TestKind.Process)]
[Collection(RedisClusterCollection.Name)]
public sealed class ClusterRedisAgentRunnerContractTests(RedisClusterFixture cluster) : RedisAgentRunnerContractTests(cluster);
