using System.Diagnostics;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Tests.Runners;

/// <summary>
/// Events per second one run pushes through each runner (not a test: run explicitly with
/// <c>dotnet test --filter "FullyQualifiedName~RedisRunnerThroughput" -- xUnit.Explicit=only</c>).
/// </summary>
[Kind(TestKind.Process)]
public sealed class RedisRunnerThroughputMeasurements(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncDisposable
{
    private const int Events = 200_000;
    private readonly RedisRunnerFactory _factory = new(redis);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact(Explicit = true)]
    public async Task Measure_events_per_second()
    {
        var inMemory = new InMemoryAgentRunner(Options.Create(new InMemoryAgentRunnerOptions()));
        var a = await _factory.CreateAsync();
        var b = await _factory.CreateAsync();
        await RunOnceAsync(inMemory, "warmup-m", 20_000);
        await RunOnceAsync(a, "warmup-r", 20_000);

        var memory = await RunOnceAsync(inMemory, "m", Events);
        var redisRun = await RunOnceAsync(a, "r", Events);

        // A second replica tailing the same run live (written by A, read through Redis by B).
        var thread = "tail-" + Guid.NewGuid().ToString("N")[..8];
        var watch = Stopwatch.StartNew();
        var run = await a.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Flood(Events)), Ct);
        var tail = (await b.ConnectAsync(new AgentConnectRequest(thread, "test", new Dictionary<string, string>()), Ct)).ReadAllAsync(Ct);
        await run.ReadAllAsync(Ct);
        var tailed = (await tail).Count;
        var tailSeconds = watch.Elapsed.TotalSeconds;

        var replayWatch = Stopwatch.StartNew();
        var replayed = (await (await b.ConnectAsync(new AgentConnectRequest(thread, "test", new Dictionary<string, string>()), Ct)).ReadAllAsync(Ct)).Count;
        var replaySeconds = replayWatch.Elapsed.TotalSeconds;

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"in-memory run: {Events / memory:N0} events/s; Redis run (own client, until stored): {Events / redisRun:N0} events/s; " +
            $"Redis live tail on another replica: {tailed / tailSeconds:N0} events/s ({tailed} events); replay of the stored run: {replayed} events in {replaySeconds * 1000:N0} ms");
        Assert.Equal(Events + 2, tailed);
    }

    private static async Task<double> RunOnceAsync(AgentRunner runner, string prefix, int events)
    {
        var watch = Stopwatch.StartNew();
        var all = await (await runner.RunAsync(TestAgents.Request(prefix + "-" + Guid.NewGuid().ToString("N")[..8], "r1", TestAgents.Flood(events)), Ct)).ReadAllAsync(Ct);
        Assert.Equal(events + 2, all.Count);
        return watch.Elapsed.TotalSeconds;
    }
}
