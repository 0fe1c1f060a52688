using CopilotAspire.Runtime.Redis;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Tests.Runners;

/// <summary>Choosing the runner from configuration, and the Redis runner's options validation.</summary>
[Kind(TestKind.Process)]
public sealed class RedisRunnerConfigurationTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HostApplicationBuilder Builder(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        return builder;
    }

    [Fact]
    public void Redis_without_a_connection_string_refuses_to_start_saying_what_to_set()
    {
        var builder = Builder(("CopilotRuntime:Runner", "Redis"));
        builder.AddCopilotRuntime();

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddAgentRunnerFromConfiguration());
        Assert.Contains("ConnectionStrings:redis", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__redis", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_runner_name_refuses_to_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Builder(("CopilotRuntime:Runner", "Sqlite")).AddAgentRunnerFromConfiguration());
        Assert.Contains("'InMemory' or 'Redis'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InMemory_is_the_default_runner()
    {
        var builder = Builder();
        builder.AddCopilotRuntime();
        builder.AddAgentRunnerFromConfiguration();
        using var host = builder.Build();
        await host.StartAsync(Ct);
        Assert.IsType<InMemoryAgentRunner>(host.Services.GetRequiredService<AgentRunner>());
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Redis_replaces_the_in_memory_runner_whatever_the_registration_order_and_adds_a_health_check()
    {
        foreach (var runnerFirst in new[] { false, true })
        {
            var builder = Builder(("CopilotRuntime:Runner", "Redis"), ("ConnectionStrings:redis", redis.ConnectionString), ("CopilotRuntime:Redis:LockTtl", "00:00:05"));
            if (runnerFirst)
            {
                builder.AddAgentRunnerFromConfiguration();
                builder.AddCopilotRuntime();
            }
            else
            {
                builder.AddCopilotRuntime();
                builder.AddAgentRunnerFromConfiguration();
            }
            using var host = builder.Build();
            await host.StartAsync(Ct);

            var runner = Assert.IsType<RedisAgentRunner>(host.Services.GetRequiredService<AgentRunner>());
            Assert.Same(runner, host.Services.GetRequiredService<RedisAgentRunner>());
            Assert.Equal(TimeSpan.FromSeconds(5), host.Services.GetRequiredService<IOptions<RedisAgentRunnerOptions>>().Value.LockTtl);
            var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
            Assert.Equal(HealthStatus.Healthy, report.Entries[RedisRunnerHealthCheck.Name].Status);
            await host.StopAsync(Ct);
        }
    }

    [Theory]
    [InlineData("LockTtl", "00:00:00.010")]
    [InlineData("KeyPrefix", "a{b}")]
    [InlineData("MaxRunsPerThread", "0")]
    [InlineData("MaxEventsPerRun", "3")]
    [InlineData("ResumeWindow", "30.00:00:00")]
    public async Task Invalid_options_refuse_to_start(string key, string value)
    {
        var builder = Builder(("CopilotRuntime:Runner", "Redis"), ("ConnectionStrings:redis", redis.ConnectionString), ($"CopilotRuntime:Redis:{key}", value));
        builder.AddAgentRunnerFromConfiguration();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));
        Assert.Contains($"CopilotRuntime:Redis:{key}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bad\nid")]
    public void Thread_ids_are_validated_before_they_become_keys(string threadId)
    {
        Assert.Throws<ArgumentException>(() => RedisThreadKeys.TagFor(threadId));
        Assert.Equal(65, RedisThreadKeys.TagFor(new string('x', 4096)).Length); // any length the runtime allows is hashed
        Assert.Equal(65, RedisThreadKeys.TagFor(new string('x', 129)).Length);
    }

    [Theory]
    [InlineData("3.7", 3, 7, false)]
    [InlineData("12.c4", 12, 4, true)]
    public void Event_ids_round_trip(string text, long seq, long index, bool compacted)
    {
        Assert.True(RedisEventId.TryParse(text, out var id));
        Assert.Equal(new RedisEventId(seq, index, compacted), id);
        Assert.Equal(text, id.ToString());
        Assert.False(RedisEventId.TryParse("x.1", out _));
        Assert.False(RedisEventId.TryParse("0.1", out _));
        Assert.False(RedisEventId.TryParse("1-1", out _));
    }
}
