using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace CopilotAspire.Runtime.Redis;

/// <summary>Unhealthy while the runner's Redis cannot be reached (a PING that fails or does not return).</summary>
public sealed class RedisRunnerHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    /// <summary>The name the check is registered under.</summary>
    public const string Name = "redis-runner";

    /// <summary>
    /// Healthy with the PING's latency when Redis answers; Unhealthy when it is not connected or the PING fails.
    /// </summary>
    /// <param name="context">Unused.</param>
    /// <param name="cancellationToken">The health check's timeout: it ends the wait for the PING.</param>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return HealthCheckResult.Unhealthy("Redis is not connected.");
        }
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Redis answered PING in {latency.TotalMilliseconds:0.#} ms.");
        }
        catch (Exception ex) when (RedisAgentRunner.IsUnavailable(ex))
        {
            return HealthCheckResult.Unhealthy("Redis did not answer PING.", ex);
        }
    }
}
