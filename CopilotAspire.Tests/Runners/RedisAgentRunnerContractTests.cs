using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Redis;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CopilotAspire.Tests.Runners;

/// <summary>The runner contract against a Redis deployment: one server (<see cref="SingleRedisAgentRunnerContractTests"/>) or a cluster (<see cref="ClusterRedisAgentRunnerContractTests"/>).</summary>
public abstract class RedisAgentRunnerContractTests(IRedisTestServer redis) : AgentRunnerContractTests
{
    private readonly RedisRunnerFactory _factory = new(redis);

    protected override string EventLimitCode => RunErrorCodes.EventLimitExceeded;

    protected override async ValueTask<AgentRunner> CreateRunnerAsync(RunnerLimits limits) =>
        await _factory.CreateAsync(o =>
        {
            o.MaxEventsPerRun = limits.MaxEventsPerRun;
            o.MaxRunsPerThread = limits.MaxRunsPerThread;
        });

    public override async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>Creates Redis runners ("replicas"), each on its own connection, and disposes them.</summary>
public sealed class RedisRunnerFactory(IRedisTestServer redis) : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    public IRedisTestServer Server => redis;

    /// <param name="logger">Where the runner logs (none if null).</param>
    public async Task<RedisAgentRunner> CreateAsync(Action<RedisAgentRunnerOptions>? configure = null, ILogger<RedisAgentRunner>? logger = null) =>
        (await CreateReplicaAsync(configure, logger)).Runner;

    public async Task<(RedisAgentRunner Runner, ConnectionMultiplexer Connection)> CreateReplicaAsync(Action<RedisAgentRunnerOptions>? configure = null, ILogger<RedisAgentRunner>? logger = null)
    {
        var connection = await redis.ConnectAsync();
        var options = new RedisAgentRunnerOptions();
        configure?.Invoke(options);
        var runner = new RedisAgentRunner(connection, Options.Create(options), logger);
        _owned.Add(connection);
        _owned.Add(runner);
        return (runner, connection);
    }

    public async ValueTask DisposeAsync()
    {
        // Runners first (they stop their runs), then their connections.
        foreach (var owned in _owned.OfType<RedisAgentRunner>())
        {
            await owned.DisposeAsync();
        }
        foreach (var owned in _owned.OfType<ConnectionMultiplexer>())
        {
            await owned.DisposeAsync();
        }
    }
}
