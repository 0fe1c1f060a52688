using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using CopilotAspire.Runtime.Agents.Remote;
using CopilotAspire.Tests.Infrastructure;
using static CopilotAspire.Tests.Agents.Remote.ScriptedRemote;

namespace CopilotAspire.Tests.Agents.Remote;

/// <summary>
/// Remote agents declared in configuration (<c>Type = http</c>) of real Api processes, with the service defaults:
/// resumed and stopped across two replicas on Redis, one Api as another's remote, a service-discovery URL and no retry
/// of a failed POST, and the trace of each of many concurrent runs continued at the remote (on both runners).
/// </summary>
[Kind(TestKind.Process)]
public sealed class HttpAgentApiProcessTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string BasePath = "/api/copilotkit";

    private const int TracedRuns = 24;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> RemoteAgent(string id, string url) => new()
    {
        [$"CopilotRuntime__Agents__{id}__Type"] = "http",
        [$"CopilotRuntime__Agents__{id}__Url"] = url,
    };

    private static async Task<IAsyncEnumerator<SseFrame>> OpenAsync(ApiProcess api, string route, JsonObject body)
    {
        var response = await api.PostAsync(BasePath + route, body, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.ReadFramesAsync(Ct).GetAsyncEnumerator(Ct);
    }

    [Fact(Timeout = 180_000)]
    public async Task A_remote_run_on_one_replica_is_resumed_and_stopped_on_the_other()
    {
        await using var official = await OfficialRuntime.StartAsync("http://127.0.0.1:9/v1", Ct);
        var environment = RemoteAgent("remote", OfficialRuntime.RunUrl(official, "scripted"));
        environment["CopilotRuntime__Runner"] = "Redis";
        environment["ConnectionStrings__redis"] = redis.ConnectionString;
        var replicas = await Task.WhenAll(ApiProcess.StartAsync(environment, Ct), ApiProcess.StartAsync(environment, Ct));
        await using var a = replicas[0];
        await using var b = replicas[1];
        var thread = "remote-" + Guid.NewGuid().ToString("N")[..8];

        // Resume: B tails the run A proxies, from its start to its end.
        await using (var run = await OpenAsync(a, "/agent/remote/run", RunBodies.Input(thread, "r1", "tokens:200 delay:5")))
        {
            await run.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");
            await using var connect = await OpenAsync(b, "/agent/remote/connect", RunBodies.Input(thread, "c1", ""));
            var resumed = await connect.ReadToEndAsync();
            var ran = await run.ReadToEndAsync();

            Assert.Equal("RUN_STARTED", resumed[0].Type);
            Assert.Equal("RUN_FINISHED", resumed[^1].Type);
            Assert.Equal(200, resumed.Count(f => f.Type == "TEXT_MESSAGE_CONTENT"));
            Assert.Equal("RUN_FINISHED", ran[^1].Type);
        }

        // Stop from the other replica: A's stream ends cleanly, its remote request closed.
        await using var slow = await OpenAsync(a, "/agent/remote/run", RunBodies.Input(thread, "r2", "tokens:5000 delay:10"));
        await slow.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");
        using var stop = await b.PostAsync($"{BasePath}/agent/remote/stop/{thread}", new JsonObject(), Ct);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        var rest = await slow.ReadToEndAsync();
        Assert.Equal(["TEXT_MESSAGE_END", "RUN_FINISHED"], rest.Types()[^2..]);
        Assert.True(rest.Count(f => f.Type == "TEXT_MESSAGE_CONTENT") < 4999);
    }

    [Fact(Timeout = 180_000)]
    public async Task One_Api_serves_as_another_Apis_remote_agent()
    {
        await using var inner = await ApiProcess.StartAsync(new Dictionary<string, string>(), Ct);
        await using var outer = await ApiProcess.StartAsync(RemoteAgent("inner", new Uri(inner.BaseAddress, BasePath + "/agent/scripted/run").ToString()), Ct);
        var thread = "inner-" + Guid.NewGuid().ToString("N")[..8];

        var direct = await NodeClient.RunScenarioAsync("run", new Uri(inner.BaseAddress, BasePath).ToString(), "scripted", thread + "-d", "hello inner", Ct);
        var proxied = await NodeClient.RunScenarioAsync("run", new Uri(outer.BaseAddress, BasePath).ToString(), "inner", thread + "-p", "hello inner", Ct);

        Assert.Equal(RemoteEvents.WithoutIds(direct), RemoteEvents.WithoutIds(proxied));
        var info = JsonNode.Parse(await outer.Client.GetStringAsync($"{BasePath}/info", Ct))!;
        Assert.Equal(nameof(HttpAgent), (string?)info["agents"]!["inner"]!["className"]);
    }

    [Fact(Timeout = 180_000)]
    public async Task A_service_discovery_url_is_resolved_and_a_failed_POST_is_not_retried()
    {
        await using var remote = await ScriptedRemote.StartAsync();
        remote.Route("trace", async c =>
        {
            await BeginEventStreamAsync(c);
            await WriteAsync(c, "data: {\"type\":\"RUN_STARTED\",\"threadId\":\"t\",\"runId\":\"r\"}\n\ndata: {\"type\":\"RUN_FINISHED\",\"threadId\":\"t\",\"runId\":\"r\"}\n\n");
        });
        remote.Route("flaky", c =>
        {
            c.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        var environment = RemoteAgent("weather", "http://weather-agent/trace");
        foreach (var (key, value) in RemoteAgent("flaky", "http://weather-agent/flaky"))
        {
            environment[key] = value;
        }
        environment["services__weather-agent__http__0"] = remote.BaseAddress.GetLeftPart(UriPartial.Authority);
        await using var api = await ApiProcess.StartAsync(environment, Ct);

        using var resolved = await api.PostAsync($"{BasePath}/agent/weather/run", RunBodies.Input("t-sd", "r1", "hi"), Ct);
        var events = (await resolved.ReadFramesAsync(Ct).ToListAsync(Ct)).Types();
        using var flaky = await api.PostAsync($"{BasePath}/agent/flaky/run", RunBodies.Input("t-flaky", "r1", "hi"), Ct);
        var failed = await flaky.ReadFramesAsync(Ct).ToListAsync(Ct);

        Assert.Equal(["RUN_STARTED", "RUN_FINISHED"], events);
        Assert.Single(remote.Calls("trace"));
        Assert.Equal(RemoteAgentErrors.HttpError, (string?)failed[^1].Json["code"]);
        Assert.Single(remote.Calls("flaky"));
    }

    // Trace continuity under concurrency: each run's outbound POST must carry its own request's trace id; a run that
    // lost (or took another run's) Activity.Current on the runner's start path would show another trace at the remote.
    // A failure names each thread's expected and seen trace and the Api's output.
    [Theory(Timeout = 180_000)]
    [InlineData("InMemory")]
    [InlineData("Redis")]
    public async Task Concurrent_runs_each_reach_the_remote_under_their_own_trace(string runner)
    {
        await using var remote = await ScriptedRemote.StartAsync();
        remote.Route("trace", async c =>
        {
            await BeginEventStreamAsync(c);
            await WriteAsync(c, "data: {\"type\":\"RUN_STARTED\",\"threadId\":\"t\",\"runId\":\"r\"}\n\ndata: {\"type\":\"RUN_FINISHED\",\"threadId\":\"t\",\"runId\":\"r\"}\n\n");
        });
        var environment = new Dictionary<string, string>
        {
            ["CopilotRuntime__Agents__weather__Type"] = "http",
            ["CopilotRuntime__Agents__weather__Url"] = "http://weather-agent/trace",
            ["services__weather-agent__http__0"] = remote.BaseAddress.GetLeftPart(UriPartial.Authority),
        };
        if (runner == "Redis")
        {
            environment["CopilotRuntime__Runner"] = "Redis";
            environment["ConnectionStrings__redis"] = redis.ConnectionString;
        }
        await using var api = await ApiProcess.StartAsync(environment, Ct);

        var expected = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var prefix = "trace-" + Guid.NewGuid().ToString("N")[..8];
        await Task.WhenAll(Enumerable.Range(0, TracedRuns).Select(async i =>
        {
            var thread = $"{prefix}-{i}";
            var traceId = Guid.NewGuid().ToString("N");
            expected[thread] = traceId;
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{BasePath}/agent/weather/run")
            {
                Content = System.Net.Http.Json.JsonContent.Create(RunBodies.Input(thread, "r1", "hi")),
            };
            request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
            using var response = await api.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
            var events = (await response.ReadFramesAsync(Ct).ToListAsync(Ct)).Types();
            Assert.Equal(["RUN_STARTED", "RUN_FINISHED"], events);
        }));

        var calls = remote.Calls("trace");
        Assert.Equal(TracedRuns, calls.Count);
        var seen = calls.ToDictionary(
            c => (string)JsonNode.Parse(c.Body)!["threadId"]!,
            c => c.Headers.TryGetValue("traceparent", out var traceparent) ? traceparent.Split('-')[1] : "(none)",
            StringComparer.Ordinal);
        var wrong = expected.Where(e => !seen.TryGetValue(e.Key, out var traceId) || traceId != e.Value)
            .Select(e => $"{e.Key}: expected {e.Value}, the remote saw {seen.GetValueOrDefault(e.Key, "(no call)")}").ToList();
        Assert.True(wrong.Count == 0, string.Join('\n', wrong) + "\nApi output:\n" + api.Output);
    }
}
