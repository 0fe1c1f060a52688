using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace CopilotAspire.Tests.Agents.Remote;

/// <summary>
/// Our <c>HttpAgent</c> against a server no one here wrote: the official runtime (1.75.0) and its <c>/agent/{id}/run</c>,
/// with its scripted agent and its BuiltInAgent on the fake model. The official client gets, through our runtime, the
/// same events (ids aside) as from the official runtime directly; stop works; its errors arrive as RUN_ERROR.
/// </summary>
[Kind(TestKind.Process)]
public sealed class HttpAgentOfficialRuntimeTests(OfficialRemoteFixture fixture) : IClassFixture<OfficialRemoteFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string OursUrl => fixture.Ours.RuntimeUrl;

    [Theory(Timeout = 120_000)]
    [InlineData("scripted", "hello through a proxy")]
    [InlineData("scripted", "tokens:50")]
    [InlineData("scripted", "error please")]
    [InlineData("default", "hi model")]
    public async Task The_official_client_gets_the_same_events_through_our_runtime_as_from_the_official_one(string agent, string text)
    {
        var thread = $"same-{agent}-{Guid.NewGuid():N}";
        var direct = await NodeClient.RunScenarioAsync("run", fixture.OfficialUrl, agent, thread + "-direct", text, Ct);
        var proxied = await NodeClient.RunScenarioAsync("run", OursUrl, "remote-" + agent, thread + "-proxied", text, Ct);

        Assert.Equal(RemoteEvents.WithoutIds(direct), RemoteEvents.WithoutIds(proxied));
        Assert.Equal(direct.GetProperty("messages").GetArrayLength(), proxied.GetProperty("messages").GetArrayLength());
    }

    [Fact(Timeout = 120_000)]
    public async Task Forwarded_headers_reach_the_official_agent()
    {
        var proxied = await NodeClient.RunScenarioAsync("run", OursUrl, "remote-scripted", $"headers-{Guid.NewGuid():N}", "hello", Ct);

        var headers = proxied.GetProperty("events").EnumerateArray()
            .Single(e => e.GetProperty("type").GetString() == "CUSTOM" && e.GetProperty("name").GetString() == "scripted.headers").GetProperty("value");
        Assert.Equal("Bearer node-client", headers.GetProperty("authorization").GetString());
        Assert.Equal("agui", headers.GetProperty("x-harness").GetString());
    }

    [Fact(Timeout = 120_000)]
    public async Task Stop_through_our_runtime_ends_the_remote_run_cleanly_for_the_official_client()
    {
        var result = await NodeClient.RunScenarioAsync("stop", OursUrl, "remote-scripted", $"stop-{Guid.NewGuid():N}", "tokens:2000 delay:10", Ct);

        var stop = result.GetProperty("stopReply");
        Assert.Equal(200, stop.GetProperty("status").GetInt32());
        Assert.True(stop.GetProperty("body").GetProperty("stopped").GetBoolean());
        var types = result.GetProperty("eventTypes").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Equal(["TEXT_MESSAGE_END", "RUN_FINISHED"], types[^2..]);
        Assert.True(types.Count(t => t == "TEXT_MESSAGE_CONTENT") < 2000);
    }

    [Fact(Timeout = 120_000)]
    public async Task An_unknown_remote_agent_is_one_RUN_ERROR_with_the_official_runtimes_status_and_message()
    {
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime.AddHttpAgent("missing", OfficialRuntime.RunUrl(fixture.Official, "no-such-agent")));

        var (_, frames) = await host.PostSseAsync($"{RuntimeTestHost.BasePath}/agent/missing/run", RuntimeTestHost.Input("t-missing", "r1"), Ct);

        var error = Assert.Single(frames.Events());
        Assert.Equal("RUN_ERROR", (string?)error["type"]);
        Assert.Equal("REMOTE_HTTP_ERROR", (string?)error["code"]);
        Assert.StartsWith("The remote agent answered HTTP 404: ", (string?)error["message"], StringComparison.Ordinal);
    }
}
