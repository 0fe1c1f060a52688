using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Redis;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace CopilotAspire.Tests.Runners;

/// <summary>Redis going away and coming back (the test's own redis-server is killed and restarted on the same port).</summary>
public sealed class RedisAgentRunnerOutageTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly RedisRunnerFactory _factory = new(redis);
    private RedisAgentRunner _runner = null!;
    private ConnectionMultiplexer _connection = null!;
    private bool _serverDown;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => (_runner, _connection) = await _factory.CreateReplicaAsync();

    public async ValueTask DisposeAsync()
    {
        if (_serverDown)
        {
            await redis.StartAsync();
        }
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task While_Redis_is_down_runs_and_connects_are_refused_and_health_is_unhealthy_then_the_runner_recovers()
    {
        var health = new RedisRunnerHealthCheck(_connection);
        var thread = "outage-" + Guid.NewGuid().ToString("N")[..8];
        await (await _runner.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext(), Ct)).Status);

        await StopServerAsync();

        await Assert.ThrowsAsync<RunnerUnavailableException>(async () => await _runner.RunAsync(TestAgents.Request(thread, "r2", TestAgents.Fixed()), Ct));
        await Assert.ThrowsAsync<RunnerUnavailableException>(async () => await _runner.ConnectAsync(new AgentConnectRequest(thread, "test", new Dictionary<string, string>()), Ct));
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync(new HealthCheckContext(), Ct)).Status);

        await RestartServerAsync();

        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext(), Ct)).Status);
        var run = await (await _runner.RunAsync(TestAgents.Request(thread, "r3", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct);
        Assert.Equal(13, run.Count);
        var replay = await (await _runner.ConnectAsync(new AgentConnectRequest(thread, "test", new Dictionary<string, string>()), Ct)).ReadAllAsync(Ct);
        Assert.Equal(["r3"], replay.Select(e => e.Event).OfType<RunStartedEvent>().Select(s => s.RunId)); // the server restarted empty
    }

    [Fact]
    public async Task A_run_already_streaming_still_reaches_its_own_client_when_Redis_goes_down()
    {
        var thread = "outage-" + Guid.NewGuid().ToString("N")[..8];
        var agent = new GatedAgent(3);
        await using var run = (await _runner.RunAsync(TestAgents.Request(thread, "r1", agent), Ct)).GetAsyncEnumerator(Ct);
        var events = await run.ReadUntilAsync(e => e is TextMessageStartEvent);

        await StopServerAsync();
        agent.Release(3);
        events.AddRange(await run.ReadToEndAsync());

        Assert.Equal(["RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED"], events.Types());
        await RestartServerAsync();
    }

    private async Task StopServerAsync()
    {
        var interactive = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _connection.ConnectionFailed += (_, e) => (e.ConnectionType == ConnectionType.Subscription ? subscription : interactive).TrySetResult();
        _serverDown = true;
        await redis.StopAsync();
        await Task.WhenAll(interactive.Task, subscription.Task).WaitAsync(Ct);
        Assert.False(_connection.IsConnected);
    }

    private async Task RestartServerAsync()
    {
        var interactive = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _connection.ConnectionRestored += (_, e) => (e.ConnectionType == ConnectionType.Subscription ? subscription : interactive).TrySetResult();
        await redis.StartAsync();
        _serverDown = false;
        await Task.WhenAll(interactive.Task, subscription.Task).WaitAsync(Ct);
    }
}
