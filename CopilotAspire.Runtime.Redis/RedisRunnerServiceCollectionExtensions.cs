using CopilotAspire.Runtime.Redis;
using CopilotAspire.Runtime.Runners;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the Redis runner (and Aspire's StackExchange.Redis client it uses).</summary>
public static class RedisRunnerServiceCollectionExtensions
{
    /// <summary>The configuration key that selects the runner: <c>InMemory</c> (default) or <c>Redis</c>.</summary>
    public const string RunnerKey = "CopilotRuntime:Runner";

    /// <summary>The connection name the Redis runner reads (<c>ConnectionStrings:redis</c>, as Aspire's <c>WithReference(redis)</c> sets it).</summary>
    public const string DefaultConnectionName = "redis";

    /// <summary>Aspire's switch for a span per Redis command; the runner turns those spans off unless it is set.</summary>
    public const string CommandTracingKey = "Aspire:StackExchange:Redis:DisableTracing";

    /// <summary>
    /// Picks the runner from <c>CopilotRuntime:Runner</c>: <c>InMemory</c> (or unset) keeps the in-memory runner;
    /// <c>Redis</c> registers <see cref="RedisAgentRunner"/> on <c>ConnectionStrings:redis</c>, and refuses to start
    /// without it.
    /// </summary>
    /// <exception cref="InvalidOperationException">An unknown runner, or <c>Redis</c> without a connection string.</exception>
    public static IHostApplicationBuilder AddAgentRunnerFromConfiguration(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var runner = builder.Configuration[RunnerKey];
        if (string.IsNullOrWhiteSpace(runner) || runner.Equals("InMemory", StringComparison.OrdinalIgnoreCase))
        {
            return builder;
        }
        if (!runner.Equals("Redis", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{RunnerKey} is '{runner}'; expected 'InMemory' or 'Redis'.");
        }
        return builder.AddRedisAgentRunner(DefaultConnectionName);
    }

    /// <summary>
    /// Registers <see cref="IConnectionMultiplexer"/> with Aspire's client integration (<c>AddRedisClient</c>: lazily
    /// connected, <c>AbortOnConnectFail = false</c> so the app starts while Redis is down, a health check; a span per Redis
    /// command only when <see cref="CommandTracingKey"/> is set to false) on
    /// <c>ConnectionStrings:&lt;connectionName&gt;</c> (unless one is registered already), the Redis runner in place of any other <see cref="AgentRunner"/>, its options from
    /// <c>CopilotRuntime:Redis</c> (validated at start), its health check and its telemetry.
    /// </summary>
    /// <exception cref="InvalidOperationException">No connection string is configured.</exception>
    public static IHostApplicationBuilder AddRedisAgentRunner(this IHostApplicationBuilder builder, string connectionName = DefaultConnectionName, Action<RedisAgentRunnerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString) && !builder.Services.Any(d => d.ServiceType == typeof(IConnectionMultiplexer)))
        {
            throw new InvalidOperationException(
                $"The Redis runner needs a Redis connection string: set 'ConnectionStrings:{connectionName}' " +
                $"(environment variable ConnectionStrings__{connectionName}), e.g. 'localhost:6379', or set {RunnerKey} to 'InMemory'.");
        }
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            // A span per Redis command is off unless configured: Aspire's Redis tracing keeps every command (with its
            // arguments: a run's event JSON) for up to 10 s before it turns them into spans, which under load held
            // most of the process's memory and cost ~18% CPU per run (measured: eng/bench.sh, C=64). The runner's
            // own spans still show each run; Aspire:StackExchange:Redis:DisableTracing=false brings command spans back.
            builder.AddRedisClient(connectionName, settings =>
            {
                if (builder.Configuration[CommandTracingKey] is null)
                {
                    settings.DisableTracing = true;
                }
            }, options =>
            {
                // Socket I/O on the .NET thread pool rather than StackExchange.Redis's own threads (unless a
                // SocketManager is set): half the context switches per run and ~7% less CPU per run (eng/bench.sh, C=64).
                options.SocketManager ??= SocketManager.ThreadPool;
            });
        }
        builder.Services.AddRedisAgentRunner(configure);
        return builder;
    }

    /// <summary>
    /// Registers <see cref="RedisAgentRunner"/> as the <see cref="AgentRunner"/> (replacing one registered before, and
    /// winning over a later <c>TryAdd</c>), its options, health check and telemetry. Needs an <see cref="IConnectionMultiplexer"/>.
    /// </summary>
    public static IServiceCollection AddRedisAgentRunner(this IServiceCollection services, Action<RedisAgentRunnerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<RedisAgentRunnerOptions>().BindConfiguration(RedisAgentRunnerOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisAgentRunnerOptions>, RedisAgentRunnerOptionsValidator>());
        services.TryAddSingleton<RedisAgentRunner>();
        services.RemoveAll<AgentRunner>();
        services.AddSingleton<AgentRunner>(sp => sp.GetRequiredService<RedisAgentRunner>());
        services.AddHealthChecks().AddCheck<RedisRunnerHealthCheck>(RedisRunnerHealthCheck.Name, tags: ["ready"]);
        // The ActivitySource is added by name (as Aspire's Redis integration does), so tracing never resolves the
        // multiplexer at startup.
        services.AddOpenTelemetry()
            .WithTracing(t => t.AddSource(RedisRunnerTelemetry.ActivitySourceName))
            .WithMetrics(m => m.AddMeter(RedisRunnerTelemetry.MeterName));
        return services;
    }
}
