using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Redis;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CopilotAspire.Tests.Runners;

/// <summary>Redis going away and coming back (the test's own redis-server is killed and restarted on the same port).</summary>
[Kind(TestKind.Process)]
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

        var refused = await Assert.ThrowsAsync<RunnerUnavailableException>(async () => await _runner.RunAsync(TestAgents.Request(thread, "r2", TestAgents.Fixed()), Ct));
        Assert.StartsWith("Redis is not reachable", refused.Message);
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

    [Fact]
    public async Task A_transient_redis_stall_does_not_detach_the_run()
    {
        // Redis stalls for 5 s: longer than the client's 3 s asyncTimeout (the run's writes and heartbeats time out),
        // well inside the run's 12 s lease. The run must stay the thread's owner and still be stored in full.
        var (a, _) = await _factory.CreateReplicaAsync(o => o.LockTtl = TimeSpan.FromSeconds(12));
        var b = await _factory.CreateAsync(o => o.LockTtl = TimeSpan.FromSeconds(12));
        var thread = "stall-" + Guid.NewGuid().ToString("N")[..8];
        var agent = new GatedAgent(4);
        await using var run = (await a.RunAsync(TestAgents.Request(thread, "r1", agent), Ct)).GetAsyncEnumerator(Ct);
        var events = await run.ReadUntilAsync(e => e is TextMessageStartEvent);

        var patient = ConfigurationOptions.Parse(redis.ConnectionString);
        patient.AsyncTimeout = 60_000;
        await using var admin = await ConnectionMultiplexer.ConnectAsync(patient);
        await admin.GetServer(admin.GetEndPoints()[0]).ExecuteAsync("CLIENT", "PAUSE", "5000", "ALL");
        agent.Release(1);
        events.AddRange(await run.ReadUntilAsync(e => e is TextMessageContentEvent)); // its own client, from memory
        await admin.GetDatabase().PingAsync(); // answers when the stall is over

        Assert.True(await b.IsRunningAsync(thread, Ct));
        Assert.Empty(await (await b.RunAsync(TestAgents.Request(thread, "r2", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct));
        agent.Release(3);
        events.AddRange(await run.ReadToEndAsync());
        Assert.IsType<RunFinishedEvent>(events[^1].Event);

        var history = await (await b.ConnectAsync(new AgentConnectRequest(thread, "test", new Dictionary<string, string>()), Ct)).ReadAllAsync(Ct);
        Assert.DoesNotContain(history, e => e.Event is RunErrorEvent);
        Assert.Equal(EventCompactor.Compact(events.Select(e => e.Event)).Json(), history.Json());
    }

    [Fact]
    public async Task A_Redis_server_error_meaning_unavailable_makes_the_runner_unavailable()
    {
        var server = _connection.GetServer(_connection.GetEndPoints()[0]);
        await server.ExecuteAsync("CONFIG", "SET", "maxmemory-policy", "noeviction");
        await server.ExecuteAsync("CONFIG", "SET", "maxmemory", "1");
        try
        {
            var thread = "oom-" + Guid.NewGuid().ToString("N")[..8];
            var refused = await Assert.ThrowsAsync<RunnerUnavailableException>(async () => await _runner.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Fixed()), Ct));
            Assert.Equal("Redis is reachable but cannot serve the request right now (OOM); retry shortly.", refused.Message);
        }
        finally
        {
            await server.ExecuteAsync("CONFIG", "SET", "maxmemory", "0");
        }
        var recovered = "oom-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(13, (await (await _runner.RunAsync(TestAgents.Request(recovered, "r1", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct)).Count);
    }

    [Fact]
    public async Task A_request_Redis_does_not_answer_in_time_is_refused_as_overloaded_not_as_unreachable()
    {
        // Redis stalls (CLIENT PAUSE) longer than the client's 3 s asyncTimeout: the connection is up, the start times
        // out in the client's queue. The client and the log must say so, not "unreachable" (event 1001).
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var runner = await _factory.CreateAsync(logger: loggers.CreateLogger<RedisAgentRunner>());
        await (await runner.RunAsync(TestAgents.Request("stalled-" + Guid.NewGuid().ToString("N")[..8], "r1", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct);

        var patient = ConfigurationOptions.Parse(redis.ConnectionString);
        patient.AsyncTimeout = 60_000;
        await using var admin = await ConnectionMultiplexer.ConnectAsync(patient);
        await admin.GetServer(admin.GetEndPoints()[0]).ExecuteAsync("CLIENT", "PAUSE", "6000", "ALL");
        var refused = await Assert.ThrowsAsync<RunnerUnavailableException>(async () =>
            await runner.RunAsync(TestAgents.Request("stalled-" + Guid.NewGuid().ToString("N")[..8], "r1", TestAgents.Fixed()), Ct));
        await admin.GetDatabase().PingAsync(); // answers when the stall is over

        Assert.Equal("Redis is reachable but did not answer in time (the queue to it is full, or it is overloaded); retry shortly.", refused.Message);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("Redis is reachable but did not answer within the client's timeout", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("unreachable", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("OOM command not allowed when used memory > 'maxmemory'.", true)]
    [InlineData("LOADING Redis is loading the dataset in memory", true)]
    [InlineData("READONLY You can't write against a read only replica.", true)]
    [InlineData("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.", true)]
    [InlineData("CLUSTERDOWN The cluster is down", true)]
    [InlineData("TRYAGAIN Multiple keys request during rehashing of slot", true)]
    [InlineData("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", true)]
    [InlineData("EXECABORT Transaction discarded because of previous errors.", true)]
    [InlineData("ERR Error running script (call to f_1): @user_script:1: -OOM command not allowed when used memory > 'maxmemory'.", true)]
    [InlineData("MOVED 4890 127.0.0.1:43689", true)]
    [InlineData("ASK 4890 127.0.0.1:43689", true)]
    [InlineData("Key has MOVED to Endpoint 127.0.0.1:43689 and hashslot 4890 but CommandFlags.NoRedirect was specified - redirect not followed for XRANGE copilot:{t:x}:run:1. ", true)]
    [InlineData("ERR ASKING is not allowed here", false)]
    [InlineData("WRONGTYPE Operation against a key holding the wrong kind of value", false)]
    [InlineData("ERR unknown command", false)]
    public void Redis_server_errors_that_mean_the_store_is_unavailable_are_recognised(string message, bool unavailable) =>
        Assert.Equal(unavailable, RedisAgentRunner.IsUnavailable(new RedisServerException(message)));

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
