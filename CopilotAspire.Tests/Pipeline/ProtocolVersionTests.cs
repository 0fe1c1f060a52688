using System.Runtime.CompilerServices;
using System.Text.Json;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Tests.Runners;
using Microsoft.Extensions.Logging.Abstractions;

namespace CopilotAspire.Tests.Pipeline;

/// <summary>
/// The run pipeline's AG-UI version negotiation (wire spec §22) and the rules it keeps for every client: what a 0.0.x
/// client gets is unchanged, a 1.0 client gets 1.0 shapes, open reasoning is closed before the terminal event, and a
/// patch that is not RFC 6902 ends the run with a clear <c>RUN_ERROR</c>.
/// </summary>
[Kind(TestKind.Fast)]
public sealed class ProtocolVersionTests
{
    private static RunAgentInput Input(string? protocolVersion) => new()
    {
        ThreadId = "t",
        RunId = "r",
        ProtocolVersion = protocolVersion,
        Messages = [Message.User("u1", "hi")],
    };

    private static async Task<List<string>> RunAsync(Func<RunAgentInput, CancellationToken, IAsyncEnumerable<AgUiEvent>> script, string? protocolVersion, bool stopAfterFirstContent = false)
    {
        using var execution = new AgentRunExecution(new ScriptAgent(script), Input(protocolVersion), NullLogger.Instance);
        var json = new List<string>();
        await execution.ExecuteAsync(e =>
        {
            json.Add(AgUiJson.Serialize(e));
            if (stopAfterFirstContent && e is TextMessageContentEvent)
            {
                execution.RequestStop();
            }
            return ValueTask.CompletedTask;
        });
        return json;
    }

    private static async IAsyncEnumerable<AgUiEvent> StopsWhenAsked(RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        yield return new ReasoningStartEvent { MessageId = "rs" };
        yield return new ReasoningMessageStartEvent { MessageId = "rm" };
        yield return new ReasoningMessageContentEvent { MessageId = "rm", Delta = "pondering" };
        yield return new TextMessageStartEvent { MessageId = "m1" };
        yield return new TextMessageContentEvent { MessageId = "m1", Delta = "Hel" };
        await Task.Delay(Timeout.Infinite, ct);
    }

    private static async IAsyncEnumerable<AgUiEvent> FinishesWithReason(RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        await Task.Yield();
        yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = input.RunId, FinishReason = "stop", Metadata = AgUiJson.Parse("""{"model":"m"}""") };
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0.0.59")]
    public async Task A_0_0_x_client_gets_todays_bytes(string? version)
    {
        var stopped = await RunAsync(StopsWhenAsked, version, stopAfterFirstContent: true);
        var finished = await RunAsync(FinishesWithReason, version);

        Assert.Equal(version is null ? """{"type":"RUN_STARTED","threadId":"t","runId":"r"}""" : $$"""{"type":"RUN_STARTED","threadId":"t","runId":"r","protocolVersion":"{{version}}"}""", stopped[0]);
        Assert.Equal("""{"type":"RUN_FINISHED","threadId":"t","runId":"r"}""", stopped[^1]);
        Assert.Equal("""{"type":"RUN_FINISHED","threadId":"t","runId":"r","finishReason":"stop","metadata":{"model":"m"}}""", finished[^1]);
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("1.3")]
    public async Task A_1_0_client_gets_1_0_shapes(string version)
    {
        var stopped = await RunAsync(StopsWhenAsked, version, stopAfterFirstContent: true);
        var finished = await RunAsync(FinishesWithReason, version);

        Assert.Equal($$"""{"type":"RUN_STARTED","threadId":"t","runId":"r","protocolVersion":"{{version}}"}""", stopped[0]);
        Assert.Equal("""{"type":"RUN_FINISHED","threadId":"t","runId":"r","outcome":{"type":"cancelled"}}""", stopped[^1]);
        Assert.Equal("""{"type":"RUN_FINISHED","threadId":"t","runId":"r","metadata":{"model":"m","finishReason":"stop"}}""", finished[^1]);
    }

    [Fact]
    public async Task A_1_0_run_error_has_no_thread_or_run_id()
    {
        static async IAsyncEnumerable<AgUiEvent> Fails(RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
        {
            yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
            await Task.Yield();
            yield return new RunErrorEvent { Message = "boom", Code = "X", ThreadId = input.ThreadId, RunId = input.RunId };
        }

        Assert.Equal("""{"type":"RUN_ERROR","message":"boom","code":"X"}""", (await RunAsync(Fails, "1.0"))[^1]);
        Assert.Equal("""{"type":"RUN_ERROR","message":"boom","code":"X","threadId":"t","runId":"r"}""", (await RunAsync(Fails, null))[^1]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("1.0")]
    public async Task Open_reasoning_is_closed_before_the_terminal_event(string? version)
    {
        static async IAsyncEnumerable<AgUiEvent> FinishesWhileReasoning(RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
        {
            yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
            yield return new ReasoningStartEvent { MessageId = "rs" };
            yield return new ReasoningMessageStartEvent { MessageId = "rm" };
            await Task.Yield();
            yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        }

        static async IAsyncEnumerable<AgUiEvent> EndsWhileReasoning(RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
        {
            yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
            yield return new ReasoningStartEvent { MessageId = "rs" };
            yield return new ReasoningMessageStartEvent { MessageId = "rm" };
            await Task.Yield();
        }

        static List<string> Types(List<string> json) => json.Select(j => JsonDocument.Parse(j).RootElement.GetProperty("type").GetString()!).ToList();

        Assert.Equal(["RUN_STARTED", "REASONING_START", "REASONING_MESSAGE_START", "REASONING_MESSAGE_END", "REASONING_END", "RUN_FINISHED"],
            Types(await RunAsync(FinishesWhileReasoning, version)));
        Assert.Equal(["RUN_STARTED", "REASONING_START", "REASONING_MESSAGE_START", "REASONING_MESSAGE_END", "REASONING_END", "RUN_ERROR"],
            Types(await RunAsync(EndsWhileReasoning, version)));
        Assert.Equal(["RUN_STARTED", "REASONING_START", "REASONING_MESSAGE_START", "REASONING_MESSAGE_CONTENT", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT",
                "TEXT_MESSAGE_END", "REASONING_MESSAGE_END", "REASONING_END", "RUN_FINISHED"],
            Types(await RunAsync(StopsWhenAsked, version, stopAfterFirstContent: true)));
    }

    [Theory]
    [InlineData("""{"op":"add","path":"/a"}""", "operation 0 (add) needs a 'value'")]
    [InlineData("""{"op":"frobnicate","path":"/a"}""", "operation 0 has an unknown op 'frobnicate'")]
    [InlineData("""{"op":"remove","path":"a"}""", "operation 0 (remove) needs a JSON Pointer 'path'")]
    [InlineData("""{"op":"remove","path":"/a~2"}""", "operation 0 (remove) needs a JSON Pointer 'path'")]
    [InlineData("""{"op":"move","path":"/a"}""", "operation 0 (move) needs a JSON Pointer 'from'")]
    [InlineData("""{"path":"/a"}""", "operation 0 has no 'op'")]
    public async Task A_patch_that_is_not_rfc_6902_ends_the_run_with_a_clear_error(string operation, string reason)
    {
        async IAsyncEnumerable<AgUiEvent> Patches(RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
        {
            yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
            yield return new StateDeltaEvent { Delta = AgUiJson.Parse("""[{"op":"add","path":"/ok","value":1}]""") };
            yield return new ActivitySnapshotEvent { MessageId = "a1", ActivityType = "progress", Content = AgUiJson.Parse("{}") };
            yield return new ActivityDeltaEvent { MessageId = "a1", ActivityType = "progress", Patch = AgUiJson.Parse("""[{"op":"replace","path":"","value":{}},{"op":"copy","from":"/x~1y","path":"/z"}]""") };
            await Task.Yield();
            yield return new StateDeltaEvent { Delta = AgUiJson.Parse($"[{operation}]") };
            yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        }

        var events = await RunAsync(Patches, null);

        Assert.Equal(5, events.Count); // the valid patches pass, the bad one is replaced by the error
        Assert.Equal($$"""{"type":"RUN_ERROR","message":"Cannot send 'STATE_DELTA' event: its delta is not an RFC 6902 JSON Patch: {{reason}}.","code":"INCOMPLETE_STREAM"}""", events[^1]);
    }

    [Fact]
    public async Task An_activity_patch_is_checked_too()
    {
        static async IAsyncEnumerable<AgUiEvent> Patches(RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
        {
            yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
            await Task.Yield();
            yield return new ActivityDeltaEvent { MessageId = "a1", ActivityType = "progress", Patch = AgUiJson.Parse("""{"op":"add","path":"/a","value":1}""") };
        }

        Assert.Equal("""{"type":"RUN_ERROR","message":"Cannot send 'ACTIVITY_DELTA' event: its patch is not an RFC 6902 JSON Patch: a JSON Patch must be an array of operations.","code":"INCOMPLETE_STREAM"}""",
            (await RunAsync(Patches, "1.0"))[^1]);
    }

    [Fact]
    public void A_request_from_a_1_0_client_is_accepted()
    {
        // tools and context left out; a tool result as content parts; an image from a provider's file store.
        var input = JsonSerializer.Deserialize("""
            {"threadId":"t","runId":"r","protocolVersion":"1.0","messages":[
              {"id":"u1","role":"user","content":[{"type":"text","text":"look"},{"type":"image","id":"p1","source":{"type":"file","value":"file-abc","provider":"openai","mimeType":"image/png"}}]},
              {"id":"a1","role":"assistant","toolCalls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
              {"id":"t1","role":"tool","toolCallId":"c1","content":[{"type":"text","text":"done"}]}],
             "forwardedProps":{}}
            """, AgUiJson.Context.RunAgentInput)!;

        Assert.Equal("1.0", input.ProtocolVersion);
        Assert.Empty(input.Tools);
        Assert.Empty(input.Context);
        Assert.Equal("done", input.Messages[2].Text);
        Assert.Equal(JsonValueKind.Array, input.Messages[2].Content!.Value.ValueKind);
        Assert.Equal(
            """{"threadId":"t","runId":"r","protocolVersion":"1.0","messages":[{"id":"u1","role":"user","content":[{"type":"text","text":"look"},{"type":"image","id":"p1","source":{"type":"file","value":"file-abc","provider":"openai","mimeType":"image/png"}}]},{"id":"a1","role":"assistant","toolCalls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"id":"t1","content":[{"type":"text","text":"done"}],"role":"tool","toolCallId":"c1"}],"tools":[],"context":[],"forwardedProps":{}}""",
            JsonSerializer.Serialize(input, AgUiJson.Context.RunAgentInput));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("0.0.59", false)]
    [InlineData("1.0", true)]
    [InlineData("1.10", true)]
    [InlineData("2.0", true)]
    [InlineData("one", false)]
    [InlineData("", false)]
    public void Version_1_is_major_1_or_later(string? version, bool expected) => Assert.Equal(expected, AgUiProtocol.IsVersion1OrLater(version));
}
