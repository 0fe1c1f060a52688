using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Client;

/// <summary>
/// The official <c>@ag-ui/client</c> (from npm, run by node) against our server: run, connect and stop, with every
/// event checked by the client's own zod schemas and verifier. What it ends with (messages, state) is asserted.
/// </summary>
[Kind(TestKind.Process)]
public sealed class AgUiClientTests(RuntimeHostFixture fixture) : IClassFixture<RuntimeHostFixture>
{
    private readonly RuntimeTestHost _host = fixture.Host;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task HttpAgent_run_ends_with_the_scripted_messages_and_state()
    {
        var result = await NodeClient.RunScenarioAsync("run", _host.RuntimeUrl, "scripted", "node-run", "hello from node", Ct);
        Assert.Equal("0.0.59", result.GetProperty("clientVersion").GetString()); // clients/official's own @ag-ui/client
        var messages = result.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        Assert.Equal("user", messages[0].GetProperty("role").GetString());
        var assistant = messages[1];
        Assert.Equal("assistant", assistant.GetProperty("role").GetString());
        Assert.Equal("Hello from scripted", assistant.GetProperty("content").GetString());
        var call = assistant.GetProperty("toolCalls")[0];
        Assert.Equal("scripted_tool", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("{\"echo\":\"hello from node\"}", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("tool", messages[2].GetProperty("role").GetString());
        JsonAssert.Equal("""{"step":1,"status":"done","echo":"hello from node"}""", result.GetProperty("state").GetRawText());

        // The client's headers were forwarded (Authorization and x-*), as the scripted agent echoes them.
        var headers = result.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "CUSTOM" && e.GetProperty("name").GetString() == "scripted.headers");
        Assert.Equal("Bearer node-client", headers.GetProperty("value").GetProperty("authorization").GetString());
        Assert.Equal("agui", headers.GetProperty("value").GetProperty("x-harness").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Connect_rebuilds_the_conversation_of_earlier_runs()
    {
        await NodeClient.RunScenarioAsync("two-runs", _host.RuntimeUrl, "scripted", "node-connect", "first", Ct);
        var result = await NodeClient.RunScenarioAsync("connect", _host.RuntimeUrl, "scripted", "node-connect", null, Ct);
        var roles = result.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()).ToList();
        Assert.Equal(["user", "assistant", "tool", "user", "assistant", "tool"], roles);
        var texts = result.GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("role").GetString() == "user").Select(m => m.GetProperty("content").GetString());
        Assert.Equal(["first", "first again"], texts);
        JsonAssert.Equal("""{"step":1,"status":"done","echo":"first again"}""", result.GetProperty("state").GetRawText());
        var types = result.GetProperty("eventTypes").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Equal(2, types.Count(t => t == "RUN_STARTED"));
        Assert.DoesNotContain("STATE_DELTA", types); // compacted replay
    }

    [Fact(Timeout = 60_000)]
    public async Task Stop_ends_the_run_cleanly_for_the_client()
    {
        var result = await NodeClient.RunScenarioAsync("stop", _host.RuntimeUrl, "scripted", "node-stop", "tokens:100000 delay:20", Ct);
        var stop = result.GetProperty("stopReply");
        Assert.Equal(200, stop.GetProperty("status").GetInt32());
        Assert.True(stop.GetProperty("body").GetProperty("stopped").GetBoolean());
        var types = result.GetProperty("eventTypes").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Equal("RUN_FINISHED", types[^1]);
        Assert.Equal("TEXT_MESSAGE_END", types[^2]);
        var finished = result.GetProperty("events").EnumerateArray().Last();
        Assert.Equal("node-stop", finished.GetProperty("threadId").GetString());
        var assistant = result.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "assistant");
        Assert.StartsWith("t0", assistant.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.True(types.Count(t => t == "TEXT_MESSAGE_CONTENT") < 100000);
    }

    [Fact(Timeout = 60_000)]
    public async Task Every_conformance_agent_stream_passes_the_official_verifier()
    {
        foreach (var agent in new[] { "default", "chunky", "stateful", "unterminated", "exploder", "selferror" })
        {
            // runAgent rejects on a schema or ordering violation (ZodError / "Cannot send …"). A stream that ends in
            // RUN_ERROR is valid: the client ends the run with that error.
            var result = await NodeClient.RunScenarioAsync("run", _host.RuntimeUrl, agent, $"node-verify-{agent}", "hi", Ct);
            var last = result.GetProperty("events").EnumerateArray().Last();
            var expected = agent switch
            {
                "unterminated" => "Run ended without emitting a terminal event",
                "exploder" => "provider exploded: 500",
                "selferror" => "own failure",
                _ => null,
            };
            Assert.Equal(expected is null ? "RUN_FINISHED" : "RUN_ERROR", last.GetProperty("type").GetString());
            if (expected is not null)
            {
                Assert.Equal(expected, last.GetProperty("message").GetString());
            }
        }
    }
}
