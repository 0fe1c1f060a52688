using System.Net;
using CopilotAspire.Runtime.Hosting;
using CopilotAspire.Tests.Infrastructure;
using CopilotAspire.Tests.Runners;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Tests.Hosting;

/// <summary>The drain in-process: what finishes within the grace period, the option's validation, the host's timeout.</summary>
[Kind(TestKind.Fast)]
public sealed class DrainTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_run_that_ends_within_the_grace_period_finishes_normally_while_new_runs_get_503()
    {
        var agent = new GatedAgent(2);
        var host = await RuntimeTestHost.StartAsync(r => r.AddAgent("gated", agent), new Dictionary<string, string?>
        {
            ["CopilotRuntime:ShutdownGracePeriod"] = "00:05:00",
        });
        var drain = host.Services.GetRequiredService<CopilotRuntimeDrain>();
        var response = await host.PostAsync("api/copilotkit/agent/gated/run", RuntimeTestHost.Input("grace-1", "r1"), Ct, HttpCompletionOption.ResponseHeadersRead);
        var reading = Sse.ReadAllAsync(response, Ct);

        var stopped = host.StopAsync();
        await drain.Draining.WaitAsync(Ct);

        using (var refused = await host.PostAsync("api/copilotkit/agent/gated/run", RuntimeTestHost.Input("grace-2", "r1"), Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
        }

        agent.Release(2);
        var frames = await reading;
        Assert.Equal("RUN_FINISHED", frames.Types()[^1]);
        Assert.Equal(2, frames.Types().Count(t => t == "TEXT_MESSAGE_CONTENT"));
        await stopped;
        Assert.Equal(0, drain.OpenStreams);
        await host.DisposeAsync();
    }

    [Fact]
    public async Task The_host_shutdown_timeout_is_raised_to_fit_the_grace_period()
    {
        await using var host = await RuntimeTestHost.StartAsync(settings: new Dictionary<string, string?> { ["CopilotRuntime:ShutdownGracePeriod"] = "00:01:00" });
        var timeout = host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        Assert.True(timeout >= TimeSpan.FromMinutes(1) + CopilotRuntimeDrain.InterruptTimeout, $"ShutdownTimeout is {timeout}");
    }

    [Fact]
    public async Task A_grace_period_out_of_range_stops_the_app_at_start_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            RuntimeTestHost.StartAsync(settings: new Dictionary<string, string?> { ["CopilotRuntime:ShutdownGracePeriod"] = "00:11:00" }));
        Assert.Contains("ShutdownGracePeriod", error.Message, StringComparison.Ordinal);
    }
}
