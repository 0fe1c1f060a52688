using System.Net;
using System.Text.Json.Nodes;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Redis;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Runners;

/// <summary>Two real Api processes on one redis-server, as two replicas behind a load balancer.</summary>
[Kind(TestKind.Process)]
public sealed class RedisRunnerApiProcessTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string Agent = "/api/copilotkit/agent/scripted";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(ApiProcess A, ApiProcess B)> StartTwoAsync()
    {
        var environment = new Dictionary<string, string>
        {
            ["CopilotRuntime__Runner"] = "Redis",
            ["ConnectionStrings__redis"] = redis.ConnectionString,
            ["CopilotRuntime__Redis__LockTtl"] = "00:00:01",
        };
        var started = await Task.WhenAll(ApiProcess.StartAsync(environment, Ct), ApiProcess.StartAsync(environment, Ct));
        return (started[0], started[1]);
    }

    private static JsonObject Body(string threadId, string runId, string text) => RunBodies.Input(threadId, runId, text);

    private static async Task<IAsyncEnumerator<SseFrame>> OpenAsync(ApiProcess api, string route, JsonObject body)
    {
        var response = await api.PostAsync(Agent + route, body, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.ReadFramesAsync(Ct).GetAsyncEnumerator(Ct);
    }

    private static async Task<List<SseFrame>> ConnectAllAsync(ApiProcess api, string threadId)
    {
        await using var frames = await OpenAsync(api, "/connect", Body(threadId, "connect", ""));
        return await frames.ReadToEndAsync();
    }

    [Fact]
    public async Task A_run_on_one_Api_is_connected_to_and_stopped_from_the_other()
    {
        var (a, b) = await StartTwoAsync();
        await using var _ = a;
        await using var __ = b;
        var thread = "api-" + Guid.NewGuid().ToString("N")[..8];

        await using var run = await OpenAsync(a, "/run", Body(thread, "r1", "tokens:3000 delay:10"));
        var runFrames = await run.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");
        await using var connect = await OpenAsync(b, "/connect", Body(thread, "c1", ""));
        var connectFrames = await connect.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");

        using var busy = await b.PostAsync(Agent + "/run", Body(thread, "r2", "hello"), Ct);
        Assert.Equal(HttpStatusCode.OK, busy.StatusCode);
        Assert.Empty(await busy.ReadFramesAsync(Ct).ToListAsync(Ct));

        using var stop = await b.PostAsync(Agent + "/stop/" + thread, null, Ct);
        Assert.Equal(true, (bool?)JsonNode.Parse(await stop.Content.ReadAsStringAsync(Ct))!["stopped"]);

        runFrames.AddRange(await run.ReadToEndAsync());
        connectFrames.AddRange(await connect.ReadToEndAsync());
        Assert.Equal(runFrames.Select(f => f.Data), connectFrames.Select(f => f.Data));
        Assert.Equal(["TEXT_MESSAGE_END", "RUN_FINISHED"], connectFrames.TakeLast(2).Select(f => f.Type));
        Assert.Equal(thread, (string?)connectFrames[^1].Json["threadId"]);
        Assert.All(connectFrames, f => Assert.NotNull(f.Id));

        var fromA = await ConnectAllAsync(a, thread);
        var fromB = await ConnectAllAsync(b, thread);
        Assert.Equal(fromA.Select(f => f.Data), fromB.Select(f => f.Data));
        Assert.Equal(EventCompactor.Compact(connectFrames.Select(f => AgUiJson.DeserializeEvent(f.Data!))).Json(), fromB.Select(f => f.Data));
    }

    [Fact]
    public async Task Killing_the_Api_that_runs_a_thread_closes_its_run_as_interrupted_and_the_thread_goes_on()
    {
        var (a, b) = await StartTwoAsync();
        await using var _ = a;
        await using var __ = b;
        var thread = "api-" + Guid.NewGuid().ToString("N")[..8];

        await using var run = await OpenAsync(a, "/run", Body(thread, "r1", "tokens:3000 delay:10"));
        await run.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");
        await using var connect = await OpenAsync(b, "/connect", Body(thread, "c1", ""));
        await connect.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");

        await a.KillAsync();
        var tail = await connect.ReadToEndAsync();

        Assert.Equal("TEXT_MESSAGE_END", tail[^2].Type);
        Assert.Equal("RUN_ERROR", tail[^1].Type);
        Assert.Equal(RedisAgentRunner.InterruptedCode, (string?)tail[^1].Json["code"]);

        await using (var next = await OpenAsync(b, "/run", Body(thread, "r2", "hello")))
        {
            Assert.Equal("RUN_FINISHED", (await next.ReadToEndAsync())[^1].Type);
        }
        var history = await ConnectAllAsync(b, thread);
        var verifier = new EventVerifier();
        foreach (var frame in history)
        {
            verifier.Verify(AgUiJson.DeserializeEvent(frame.Data!));
        }
        Assert.Equal(["r1", "r2"], history.Where(f => f.Type == "RUN_STARTED").Select(f => (string?)f.Json["runId"]));
    }
}
