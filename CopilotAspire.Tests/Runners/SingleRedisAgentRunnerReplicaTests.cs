using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Runners;

/// <summary>The replica checks on one redis-server.</summary>
[Kind(TestKind.Process)]
public sealed class SingleRedisAgentRunnerReplicaTests(RedisServerFixture redis) : RedisAgentRunnerReplicaTests(redis), IClassFixture<RedisServerFixture>;
