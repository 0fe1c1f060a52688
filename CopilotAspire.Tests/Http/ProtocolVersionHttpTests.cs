using System.Net;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace CopilotAspire.Tests.Http;

/// <summary>
/// AG-UI version negotiation over HTTP (wire spec §22) on both runners and both transports: the stop of a run whose
/// client sent <c>protocolVersion: "1.0"</c> ends with <c>outcome: {"type":"cancelled"}</c>; without it the stream
/// ends as it always did; a 1.0 body without <c>tools</c> and <c>context</c> is accepted.
/// </summary>
[Kind(TestKind.Process)]
public sealed class ProtocolVersionHttpTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string B = RuntimeTestHost.BasePath;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<RuntimeTestHost> StartAsync(string runner) => RuntimeTestHost.StartAsync(
        runtime =>
        {
            if (runner == "Redis")
            {
                runtime.Host.AddRedisAgentRunner(configure: o => o.KeyPrefix = "version-" + Guid.NewGuid().ToString("N")[..8] + ":");
            }
        },
        new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redis.ConnectionString });

    private static Task<HttpResponseMessage> PostAsync(RuntimeTestHost host, string transport, string method, string agentId, string? threadId, string body, HttpCompletionOption option = HttpCompletionOption.ResponseContentRead)
    {
        if (transport == "rest")
        {
            var path = method == "agent/stop" ? $"{B}/agent/{agentId}/stop/{threadId}" : $"{B}/{method.Replace("agent/", $"agent/{agentId}/", StringComparison.Ordinal)}";
            return host.PostAsync(path, body, Ct, option);
        }
        var parameters = threadId is null ? $$"""{"agentId":"{{agentId}}"}""" : $$"""{"agentId":"{{agentId}}","threadId":"{{threadId}}"}""";
        return host.PostAsync(RuntimeTestHost.SinglePath, $$"""{"method":"{{method}}","params":{{parameters}},"body":{{body}}}""", Ct, option);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("InMemory", "rest", "1.0")]
    [InlineData("InMemory", "single", "1.0")]
    [InlineData("Redis", "rest", "1.0")]
    [InlineData("Redis", "single", "1.0")]
    [InlineData("InMemory", "rest", null)]
    [InlineData("Redis", "single", null)]
    public async Task A_stopped_run_ends_in_the_shape_its_client_asked_for(string runner, string transport, string? version)
    {
        await using var host = await StartAsync(runner);
        var thread = $"version-stop-{runner}-{transport}-{version ?? "none"}";
        var versionField = version is null ? "" : $",\"protocolVersion\":\"{version}\"";
        var input = $$$"""{"threadId":"{{{thread}}}","runId":"r1"{{{versionField}}},"messages":[{"id":"u1","role":"user","content":"hi"}],"state":{},"tools":[],"context":[],"forwardedProps":{}}""";

        using var response = await PostAsync(host, transport, "agent/run", "slow", null, input, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync(Ct);
        var frames = new List<SseFrame>();
        var stopped = false;
        await foreach (var frame in Sse.ReadFramesAsync(stream, Ct))
        {
            frames.Add(frame);
            if (!stopped && frame.Data is not null && frame.Type == "TEXT_MESSAGE_CONTENT")
            {
                stopped = true;
                using var stop = await PostAsync(host, transport, "agent/stop", "slow", thread, "{}");
                Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
            }
        }

        var events = frames.Events();
        Assert.Equal(version, (string?)events[0]["protocolVersion"]);
        var last = events[^1];
        Assert.Equal("RUN_FINISHED", (string?)last["type"]);
        if (version is null)
        {
            JsonAssert.Equal($$"""{"type":"RUN_FINISHED","threadId":"{{thread}}","runId":"r1"}""", last);
        }
        else
        {
            JsonAssert.Equal($$$"""{"type":"RUN_FINISHED","threadId":"{{{thread}}}","runId":"r1","outcome":{"type":"cancelled"}}""", last);
        }
    }

    [Theory(Timeout = 60_000)]
    [InlineData("rest")]
    [InlineData("single")]
    public async Task A_1_0_body_without_tools_and_context_is_accepted(string transport)
    {
        await using var host = await StartAsync("InMemory");

        using var response = await PostAsync(host, transport, "agent/run", "default", null,
            """{"threadId":"version-bare","runId":"r1","protocolVersion":"1.0","messages":[{"id":"u1","role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var frames = await Sse.ReadAllAsync(response, Ct);
        var started = frames.Events()[0];
        Assert.Equal("1.0", (string?)started["protocolVersion"]);
        Assert.Empty(started["input"]!["tools"]!.AsArray());
        Assert.Equal("RUN_FINISHED", frames.Types()[^1]);
    }
}
