using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Runners;

/// <summary>The runner contract on one redis-server.</summary>
[Kind(TestKind.Process)]
public sealed class SingleRedisAgentRunnerContractTests(RedisServerFixture redis) : RedisAgentRunnerContractTests(redis), IClassFixture<RedisServerFixture>;
