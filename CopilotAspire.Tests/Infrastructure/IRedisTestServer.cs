using StackExchange.Redis;

namespace CopilotAspire.Tests.Infrastructure;

/// <summary>A Redis deployment a test runs against: one redis-server (<see cref="RedisServerFixture"/>) or a cluster (<see cref="RedisClusterFixture"/>).</summary>
public interface IRedisTestServer
{
    /// <summary>A new connection (the caller disposes it); a cluster's connection knows every node.</summary>
    Task<ConnectionMultiplexer> ConnectAsync();
}
