namespace CopilotAspire.Tests.Infrastructure;

/// <summary>The test classes that share one <see cref="RedisClusterFixture"/> (one cluster, not one per class; they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "Redis cluster";
}
