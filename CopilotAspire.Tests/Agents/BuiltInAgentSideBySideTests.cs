using System.Text.Json.Nodes;
using CopilotAspire.Testing;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Agents;

/// <summary>
/// The BuiltInAgent beside the official 1.75 runtime on the same requests (wire spec §19): interrupts and their
/// resume or cancellation, <c>/info</c>, <c>forwardedProps</c> overrides and an MCP tool — the same events, ids aside,
/// and the same model requests.
/// </summary>
[Kind(TestKind.Process)]
public sealed class BuiltInAgentSideBySideTests(BuiltInSideBySide runtimes) : IClassFixture<BuiltInSideBySide>
{
    private const string Path = "agent/" + BuiltInSideBySide.Agent + "/run";

    private const string AssistantCall =
        """{"id":"a1","role":"assistant","content":"","toolCalls":[{"id":"call_1","type":"function","function":{"name":"approve_transfer","arguments":"{\"amount\":100}"}}]}""";

    private static string Body(string threadId, string runId, string messages, string extra = "") =>
        $$"""{"threadId":"{{threadId}}","runId":"{{runId}}","messages":{{messages}},"state":{},"tools":[],"context":[],"forwardedProps":{}{{extra}}}""";

    private static string User(string text) => $$"""{"id":"u1","role":"user","content":"{{text}}"}""";

    [Fact]
    public async Task A_call_of_an_interrupt_tool_ends_the_run_with_the_interrupt_outcome_as_officially()
    {
        var (official, ours) = await runtimes.RunBothAsync(Path, Body("t-interrupt", "r1", $"[{User("Send 100 to Bob")}]"),
            Reply.ToolCall("call_1", "approve_transfer", """{"amount":""", "100}"));

        AssertSameEvents(official, ours);
        JsonAssert.Equal(
            """{"type":"interrupt","interrupts":[{"id":"call_1","toolCallId":"call_1","reason":"approval","message":"Approve the transfer?"}]}""",
            ours.Events[^1]["outcome"]);
        Assert.Equal(["RUN_STARTED", "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_ARGS", "TOOL_CALL_END", "RUN_FINISHED"],
            ours.Events.Select(e => (string)e["type"]!));
        // The same tools, in the same order: the interrupt tool, the state tools, then the MCP server's.
        var officialTools = BuiltInAgentHarness.ToolNames(Assert.Single(official.ModelCalls));
        Assert.Equal(officialTools, BuiltInAgentHarness.ToolNames(Assert.Single(ours.ModelCalls)));
        Assert.Equal(["approve_transfer", "AGUISendStateSnapshot", "AGUISendStateDelta"], officialTools.Take(3));
        Assert.Contains("echo", officialTools);
    }

    [Fact]
    public async Task Resume_gives_the_payload_to_the_model_and_the_run_goes_on_as_officially()
    {
        var body = Body("t-resume", "r2", $"[{User("Send 100 to Bob")},{AssistantCall}]",
            ""","resume":[{"interruptId":"call_1","status":"resolved","payload":{"approved":true,"note":"ok"}}]""");

        var (official, ours) = await runtimes.RunBothAsync(Path, body, Reply.Text("Sent", " 100."));

        AssertSameEvents(official, ours);
        Assert.Equal("RUN_FINISHED", (string)ours.Events[^1]["type"]!);
        Assert.Null(ours.Events[^1]["outcome"]);
        var toolMessage = LastMessage(Assert.Single(ours.ModelCalls));
        JsonAssert.Equal("""{"role":"tool","tool_call_id":"call_1","content":"{\"approved\":true,\"note\":\"ok\"}"}""", toolMessage);
        JsonAssert.Equal(LastMessage(Assert.Single(official.ModelCalls)).ToJsonString(), toolMessage);
    }

    [Fact]
    public async Task A_cancelled_resume_tells_the_model_it_was_cancelled_as_officially()
    {
        var body = Body("t-cancel", "r2", $"[{User("Send 100 to Bob")},{AssistantCall}]",
            ""","resume":[{"interruptId":"call_1","status":"cancelled","payload":{"approved":true}}]""");

        var (official, ours) = await runtimes.RunBothAsync(Path, body, Reply.Text("Cancelled."));

        AssertSameEvents(official, ours);
        var toolMessage = LastMessage(Assert.Single(ours.ModelCalls));
        JsonAssert.Equal("""{"role":"tool","tool_call_id":"call_1","content":"{\"status\":\"cancelled\"}"}""", toolMessage);
        JsonAssert.Equal(LastMessage(Assert.Single(official.ModelCalls)).ToJsonString(), toolMessage);
    }

    [Fact]
    public async Task Info_advertises_interrupts_and_the_configured_capabilities_as_officially()
    {
        var (official, ours) = await runtimes.GetBothAsync("info");

        var expected = official!["agents"]![BuiltInSideBySide.Agent]!["capabilities"]!;
        JsonAssert.Equal(expected.ToJsonString(), ours!["agents"]![BuiltInSideBySide.Agent]!["capabilities"]);
        JsonAssert.Equal(
            """{"tools":{"supported":true,"clientProvided":true},"transport":{"streaming":true},"humanInTheLoop":{"interrupts":true},"custom":{"approvals":true}}""",
            expected);
    }

    [Fact]
    public async Task ForwardedProps_override_only_the_overridable_settings_as_officially()
    {
        var body = Body("t-override", "r1", $"[{User("hi")}]").Replace(
            "\"forwardedProps\":{}", "\"forwardedProps\":{\"temperature\":0.25,\"topP\":0.5,\"maxOutputTokens\":7}", StringComparison.Ordinal);

        var (official, ours) = await runtimes.RunBothAsync(Path, body, Reply.Text("ok"));

        AssertSameEvents(official, ours);
        foreach (var side in new[] { official, ours })
        {
            var request = JsonNode.Parse(Assert.Single(side.ModelCalls).Body)!;
            Assert.Equal(0.25, (double)request["temperature"]!, 3);
            Assert.Null(request["top_p"]);
            Assert.Null(request["max_tokens"]);
            Assert.Null(request["max_completion_tokens"]);
        }
    }

    [Fact]
    public async Task An_mcp_tool_runs_on_the_server_and_its_result_is_streamed_as_officially()
    {
        var (official, ours) = await runtimes.RunBothAsync(Path, Body("t-mcp", "r1", $"[{User("Echo hi")}]"),
            Reply.ToolCall("call_9", "echo", """{"message":"hi"}"""), Reply.Text("It said hi."));

        AssertSameEvents(official, ours);
        var result = Assert.Single(ours.Events, e => (string)e["type"]! == "TOOL_CALL_RESULT");
        Assert.Equal("call_9", (string)result["toolCallId"]!);
        JsonAssert.Equal("""{"content":[{"type":"text","text":"Echo: hi"}],"isError":false}""", (string)result["content"]!);
        // The second model call sees the tool's result as the official agent sends it.
        Assert.Equal(2, ours.ModelCalls.Count);
        var toolMessage = LastMessage(ours.ModelCalls[1]);
        JsonAssert.Equal(LastMessage(official.ModelCalls[1]).ToJsonString(), toolMessage);
        Assert.Equal("call_9", (string)toolMessage["tool_call_id"]!);
    }

    private static void AssertSameEvents(BuiltInSideBySide.Side official, BuiltInSideBySide.Side ours)
    {
        var (expected, actual) = (official.Normalized(), ours.Normalized());
        Assert.True(expected == actual, $"official {expected}\nours     {actual}");
    }

    private static JsonNode LastMessage(RecordedRequest request) =>
        JsonNode.Parse(request.Body)!["messages"]!.AsArray()[^1]!;
}
