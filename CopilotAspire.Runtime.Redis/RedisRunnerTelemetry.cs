using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CopilotAspire.Runtime.Redis;

/// <summary>Names of the Redis runner's <see cref="ActivitySource"/> and <see cref="Meter"/> (registered by <c>AddRedisAgentRunner</c>).</summary>
public static class RedisRunnerTelemetry
{
    /// <summary>
    /// <c>CopilotAspire.Runtime.Redis</c>: the runner's spans (<c>copilot.redis.run.start</c>,
    /// <c>copilot.redis.connect</c>, <c>copilot.redis.run.recover</c>).
    /// </summary>
    public const string ActivitySourceName = "CopilotAspire.Runtime.Redis";
    /// <summary>
    /// <c>CopilotAspire.Runtime.Redis</c>: the runner's metrics (<c>copilot.redis.events.written</c>,
    /// <c>copilot.redis.write.batch_size</c>, <c>copilot.redis.runs.interrupted</c>,
    /// <c>copilot.redis.runs.detached</c>, <c>copilot.redis.write.retries</c>, <c>copilot.redis.unavailable</c>,
    /// <c>copilot.redis.heartbeats</c>).
    /// </summary>
    public const string MeterName = "CopilotAspire.Runtime.Redis";

    internal static ActivitySource ActivitySource { get; } = new(ActivitySourceName);
}

/// <summary>The runner's instruments.</summary>
internal sealed class RedisRunnerMetrics
{
    public RedisRunnerMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(RedisRunnerTelemetry.MeterName) ?? new Meter(RedisRunnerTelemetry.MeterName);
        EventsWritten = meter.CreateCounter<long>("copilot.redis.events.written", "{event}", "Run events written to Redis streams.");
        WriteBatchSize = meter.CreateHistogram<int>("copilot.redis.write.batch_size", "{event}", "Events per Redis write round trip.");
        RunsInterrupted = meter.CreateCounter<long>("copilot.redis.runs.interrupted", "{run}", "Orphaned runs (owner replica gone) closed with RUN_INTERRUPTED.");
        RunsDetached = meter.CreateCounter<long>("copilot.redis.runs.detached", "{run}", "Runs that lost Redis mid-run and finished for their own client only.");
        WriteRetries = meter.CreateCounter<long>("copilot.redis.write.retries", "{write}", "Run writes and heartbeats retried because Redis was briefly unavailable.");
        Unavailable = meter.CreateCounter<long>("copilot.redis.unavailable", "{request}", "Runs and connects refused because Redis was unreachable.");
        Heartbeats = meter.CreateCounter<long>("copilot.redis.heartbeats", "{call}", "Heartbeat renewals sent (runs whose writes renewed their lock within the last beat send none).");
    }

    public Counter<long> EventsWritten { get; }
    public Histogram<int> WriteBatchSize { get; }
    public Counter<long> RunsInterrupted { get; }
    public Counter<long> RunsDetached { get; }
    public Counter<long> WriteRetries { get; }
    public Counter<long> Unavailable { get; }
    public Counter<long> Heartbeats { get; }
}
