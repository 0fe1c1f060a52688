using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CopilotAspire.Tests.Infrastructure;
using static CopilotAspire.Tests.Agents.Remote.ScriptedRemote;

namespace CopilotAspire.Tests.Agents.Remote;

/// <summary>
/// Trace continuity under concurrency: many runs of a remote agent (a service-discovery URL) at once, each request with
/// its own <c>traceparent</c>, through a real Api process on both runners. Every run's outbound POST must carry its own
/// request's trace id: a run that lost (or took another run's) <c>Activity.Current</c> on the runner's start path
/// would show another trace at the remote. A failure names each thread's expected and seen trace and the Api's output.
/// </summary>
public sealed class HttpAgentTraceTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string BasePath = "/api/copilotkit";
    private const int Runs = 24;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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
        await Task.WhenAll(Enumerable.Range(0, Runs).Select(async i =>
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
        Assert.Equal(Runs, calls.Count);
        var seen = calls.ToDictionary(
            c => (string)JsonNode.Parse(c.Body)!["threadId"]!,
            c => c.Headers.TryGetValue("traceparent", out var traceparent) ? traceparent.Split('-')[1] : "(none)",
            StringComparer.Ordinal);
        var wrong = expected.Where(e => !seen.TryGetValue(e.Key, out var traceId) || traceId != e.Value)
            .Select(e => $"{e.Key}: expected {e.Value}, the remote saw {seen.GetValueOrDefault(e.Key, "(no call)")}").ToList();
        Assert.True(wrong.Count == 0, string.Join('\n', wrong) + "\nApi output:\n" + api.Output);
    }
}
