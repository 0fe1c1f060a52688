using System.Net;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Http;

/// <summary>The REST transport: <c>agent/stop</c> (§13): what a stop closes, its run-id scope, its body and thread id.</summary>
public sealed partial class RestTransportTests
{
    [Fact(Timeout = 30_000)]
    public async Task Stop_closes_the_open_message_and_tool_call_and_finishes_the_run()
    {
        await using var frames = await StartSlowRunAsync("stop-closes");

        var (status, stop, _) = await JsonAsync(HttpMethod.Post, $"{B}/agent/slow/stop/stop-closes");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal("""{"stopped":true,"interrupt":{"type":"RUN_ERROR","message":"Run stopped by user","code":"STOPPED"}}""", stop);

        var rest = new List<string>();
        while (await frames.MoveNextAsync())
        {
            rest.Add(frames.Current.Data!);
        }
        Assert.Equal(
        [
            """{"type":"TEXT_MESSAGE_END","messageId":"s1"}""",
            """{"type":"TOOL_CALL_END","toolCallId":"tc1"}""",
            """{"type":"TOOL_CALL_RESULT","toolCallId":"tc1","messageId":"tc1-result","role":"tool","content":"{\"status\":\"stopped\",\"reason\":\"stop_requested\",\"message\":\"Run stopped by user\"}"}""",
            """{"type":"RUN_FINISHED","threadId":"stop-closes","runId":"r1"}""",
        ], rest);

        var (_, again, _) = await JsonAsync(HttpMethod.Post, $"{B}/agent/slow/stop/stop-closes");
        JsonAssert.Equal("""{"stopped":false,"message":"No active run for thread 'stop-closes'."}""", again);

        var (_, next) = await _host.PostSseAsync($"{B}/agent/default/run", RuntimeTestHost.Input("stop-closes", "r2", """[{"id":"u9","role":"user","content":"again"}]"""), Ct);
        Assert.Equal("RUN_FINISHED", next.Types()[^1]);
        var (_, replay) = await _host.PostSseAsync($"{B}/agent/default/connect", RuntimeTestHost.Input("stop-closes", "c"), Ct);
        Assert.Equal(2, replay.Types().Count(t => t == "RUN_STARTED"));
        Assert.Equal(2, replay.Types().Count(t => t == "RUN_FINISHED"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Stop_scoped_to_another_run_id_leaves_the_run_going()
    {
        await using var frames = await StartSlowRunAsync("stop-scoped");

        var (_, other, _) = await JsonAsync(HttpMethod.Post, $"{B}/agent/slow/stop/stop-scoped", """{"runId":"other"}""");
        JsonAssert.Equal("""{"stopped":false,"message":"Run 'other' is not the active run for thread 'stop-scoped'."}""", other);
        var (_, mine, _) = await JsonAsync(HttpMethod.Post, $"{B}/agent/slow/stop/stop-scoped", """{"runId":"r1"}""");
        Assert.True((bool)mine!["stopped"]!);
        Assert.Equal("RUN_FINISHED", (await ReadUntilAsync(frames, "RUN_FINISHED")).Type);
    }

    [Fact(Timeout = 30_000)]
    public async Task Stop_decodes_a_thread_id_the_client_percent_encoded()
    {
        // The official client calls stop/{encodeURIComponent(threadId)}: a '/' in the id arrives as %2F.
        await using var frames = await StartSlowRunAsync("user/42");
        var (status, stop, _) = await JsonAsync(HttpMethod.Post, $"{B}/agent/slow/stop/{Uri.EscapeDataString("user/42")}", """{"runId":"r1"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True((bool)stop!["stopped"]!);
        Assert.Equal("RUN_FINISHED", (await ReadUntilAsync(frames, "RUN_FINISHED")).Type);
    }

    [Fact(Timeout = 30_000)]
    public async Task Stop_on_an_idle_thread_or_unknown_agent()
    {
        var (_, idle, _) = await JsonAsync(HttpMethod.Post, $"{B}/agent/default/stop/t1");
        JsonAssert.Equal("""{"stopped":false,"message":"No active run for thread 't1'."}""", idle);
        var (status, nope, _) = await JsonAsync(HttpMethod.Post, $"{B}/agent/nope/stop/t1");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal("""{"error":"Agent not found","message":"Agent 'nope' does not exist"}""", nope);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("""{"foo":1}""", """{"error":"Invalid stop request"}""")]
    [InlineData("[1]", """{"error":"Invalid stop request"}""")]
    [InlineData("not json", """{"error":"Invalid stop request"}""")]
    [InlineData("""{"runId":""}""", """{"error":"Invalid runId"}""")]
    [InlineData("""{"runId":"  "}""", """{"error":"Invalid runId"}""")]
    [InlineData("""{"runId":5}""", """{"error":"Invalid runId"}""")]
    public async Task Malformed_stop_body_is_400_before_the_agent_is_checked(string body, string expected)
    {
        foreach (var agent in new[] { "default", "nope" })
        {
            var (status, json, _) = await JsonAsync(HttpMethod.Post, $"{B}/agent/{agent}/stop/t1", body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            JsonAssert.Equal(expected, json);
        }
    }
}
