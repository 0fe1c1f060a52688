using System.Net;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Hosting;

/// <summary>SIGTERM to one of two Api replicas on a real redis-server while it runs a thread.</summary>
[Kind(TestKind.Process)]
public sealed class RedisGracefulShutdownTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SIGTERM_ends_a_connect_tailing_another_replicas_run_cleanly_and_that_run_goes_on()
    {
        var environment = new Dictionary<string, string>
        {
            ["CopilotRuntime__Runner"] = "Redis",
            ["ConnectionStrings__redis"] = redis.ConnectionString,
            ["CopilotRuntime__ShutdownGracePeriod"] = "00:00:01",
        };
        var started = await Task.WhenAll(ApiProcess.StartAsync(environment, Ct), ApiProcess.StartAsync(environment, Ct));
        await using var a = started[0];
        await using var b = started[1];
        var thread = "drain-" + Guid.NewGuid().ToString("N")[..8];

        await using var run = await ApiStreams.OpenAsync(b, "/run", ApiStreams.Body(thread, "r1", "tokens:100000 delay:20"), Ct);
        await run.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");
        await using var tail = await ApiStreams.OpenAsync(a, "/connect", ApiStreams.Body(thread, "c1", ""), Ct);
        var seen = await tail.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");

        a.Terminate();

        // The stream ends (no cut: the response completes), without a terminal event: the run is not over.
        seen.AddRange(await tail.ReadToEndAsync());
        Assert.DoesNotContain(seen, f => f.Type is "RUN_FINISHED" or "RUN_ERROR");
        Assert.Equal(0, await a.WaitForExitAsync(Ct));

        // On the replica that runs it, the run goes on (a client resumes its tail there with Last-Event-ID).
        await run.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");
        using var stop = await b.PostAsync(ApiStreams.Agent + "/stop/" + thread, null, Ct);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        Assert.Equal("RUN_FINISHED", (await run.ReadToEndAsync())[^1].Type);
    }

    [Fact]
    public async Task SIGTERM_mid_run_closes_the_run_as_interrupted_frees_the_thread_at_once_and_other_replicas_see_it_end()
    {
        // A lock TTL far beyond the test's patience: only the drain itself can free the thread and end B's tail.
        var environment = new Dictionary<string, string>
        {
            ["CopilotRuntime__Runner"] = "Redis",
            ["ConnectionStrings__redis"] = redis.ConnectionString,
            ["CopilotRuntime__Redis__LockTtl"] = "00:10:00",
            ["CopilotRuntime__ShutdownGracePeriod"] = "00:00:01",
        };
        var started = await Task.WhenAll(ApiProcess.StartAsync(environment, Ct), ApiProcess.StartAsync(environment, Ct));
        await using var a = started[0];
        await using var b = started[1];
        var thread = "drain-" + Guid.NewGuid().ToString("N")[..8];
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        patience.CancelAfter(TimeSpan.FromMinutes(2));

        await using var run = await ApiStreams.OpenAsync(a, "/run", ApiStreams.Body(thread, "r1", "tokens:100000 delay:20"), patience.Token);
        await run.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");
        await using var tail = await ApiStreams.OpenAsync(b, "/connect", ApiStreams.Body(thread, "c1", ""), patience.Token);
        await tail.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");

        a.Terminate();

        var runEnd = await run.ReadToEndAsync();
        var tailEnd = await tail.ReadToEndAsync();
        foreach (var end in new[] { runEnd, tailEnd })
        {
            Assert.Equal(["TEXT_MESSAGE_END", "RUN_ERROR"], end.TakeLast(2).Select(f => f.Type));
            Assert.Equal(LocalRuns.InterruptedCode, (string?)end[^1].Json["code"]);
        }
        Assert.Equal(0, await a.WaitForExitAsync(patience.Token));

        // The thread is free now, not after LockTtl: a new run on B starts and finishes.
        await using (var next = await ApiStreams.OpenAsync(b, "/run", ApiStreams.Body(thread, "r2", "hello"), patience.Token))
        {
            var frames = await next.ReadToEndAsync();
            Assert.Equal("RUN_STARTED", frames[0].Type);
            Assert.Equal("RUN_FINISHED", frames[^1].Type);
        }

        await using var replay = await ApiStreams.OpenAsync(b, "/connect", ApiStreams.Body(thread, "c2", ""), patience.Token);
        var history = await replay.ReadToEndAsync();
        var verifier = new EventVerifier();
        foreach (var frame in history)
        {
            verifier.Verify(AgUiJson.DeserializeEvent(frame.Data!));
        }
        Assert.Equal(["r1", "r2"], history.Where(f => f.Type == "RUN_STARTED").Select(f => (string?)f.Json["runId"]));
        var interrupted = history.Single(f => f.Type == "RUN_ERROR");
        Assert.Equal(LocalRuns.InterruptedCode, (string?)interrupted.Json["code"]);
        Assert.True(history.IndexOf(interrupted) < history.FindIndex(f => f.Type == "RUN_STARTED" && (string?)f.Json["runId"] == "r2"));
    }
}
