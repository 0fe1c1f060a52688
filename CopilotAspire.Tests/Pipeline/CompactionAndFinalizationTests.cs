using System.Text.Json.Nodes;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Tests.Pipeline;

[Kind(TestKind.Fast)]
public sealed class CompactionAndFinalizationTests
{
    private static List<string> Json(IEnumerable<AgUiEvent> events) => events.Select(AgUiJson.Serialize).ToList();

    [Fact]
    public void Compaction_merges_deltas_and_moves_events_that_arrived_mid_message_after_it()
    {
        var compacted = EventCompactor.Compact(
        [
            new RunStartedEvent { ThreadId = "t", RunId = "r" },
            new TextMessageStartEvent { MessageId = "m" },
            new TextMessageContentEvent { MessageId = "m", Delta = "Hel" },
            new CustomEvent { Name = "mid", Value = AgUiJson.Parse("1") },
            new ToolCallStartEvent { ToolCallId = "c", ToolCallName = "f", ParentMessageId = "m" },
            new ToolCallArgsEvent { ToolCallId = "c", Delta = "{\"a\":" },
            new ToolCallArgsEvent { ToolCallId = "c", Delta = "1}" },
            new ToolCallEndEvent { ToolCallId = "c" },
            new TextMessageContentEvent { MessageId = "m", Delta = "lo" },
            new TextMessageEndEvent { MessageId = "m" },
            new RunFinishedEvent { ThreadId = "t", RunId = "r" },
        ]);
        Assert.Equal(
        [
            """{"type":"RUN_STARTED","threadId":"t","runId":"r"}""",
            """{"type":"TOOL_CALL_START","toolCallId":"c","toolCallName":"f","parentMessageId":"m"}""",
            """{"type":"TOOL_CALL_ARGS","toolCallId":"c","delta":"{\"a\":1}"}""",
            """{"type":"TOOL_CALL_END","toolCallId":"c"}""",
            """{"type":"TEXT_MESSAGE_START","messageId":"m","role":"assistant"}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"Hello"}""",
            """{"type":"TEXT_MESSAGE_END","messageId":"m"}""",
            """{"type":"CUSTOM","name":"mid","value":1}""",
            """{"type":"RUN_FINISHED","threadId":"t","runId":"r"}""",
        ], Json(compacted));
    }

    [Fact]
    public void Compaction_folds_state_per_run_and_carries_it_across_runs()
    {
        var compacted = EventCompactor.Compact(
        [
            new RunStartedEvent { ThreadId = "t", RunId = "r1" },
            new StateSnapshotEvent { Snapshot = AgUiJson.Parse("""{"items":[1],"n":{"a":1}}""") },
            new StateDeltaEvent { Delta = AgUiJson.Parse("""[{"op":"add","path":"/items/-","value":2},{"op":"remove","path":"/n/a"}]""") },
            new RunFinishedEvent { ThreadId = "t", RunId = "r1" },
            new RunStartedEvent { ThreadId = "t", RunId = "r2" },
            new StateDeltaEvent { Delta = AgUiJson.Parse("""[{"op":"replace","path":"/items/0","value":9},{"op":"bogus","path":"/x"}]""") },
            new StateDeltaEvent { Delta = AgUiJson.Parse("""[{"op":"copy","from":"/items","path":"/copy"}]""") },
            new RunErrorEvent { Message = "x" },
        ]);
        var snapshots = compacted.OfType<StateSnapshotEvent>().Select(s => JsonNode.Parse(s.Snapshot.GetRawText())).ToList();
        Assert.Equal(2, snapshots.Count);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"items":[1,2],"n":{}}"""), snapshots[0]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"items":[1,2],"n":{},"copy":[1,2]}"""), snapshots[1]));
        Assert.Equal(["RUN_STARTED", "STATE_SNAPSHOT", "RUN_FINISHED", "RUN_STARTED", "STATE_SNAPSHOT", "RUN_ERROR"], compacted.Select(e => e.Type));
    }

    [Fact]
    public void Compaction_flushes_incomplete_messages_at_the_end()
    {
        var compacted = EventCompactor.Compact([new TextMessageStartEvent { MessageId = "m" }, new TextMessageContentEvent { MessageId = "m", Delta = "a" }, new TextMessageContentEvent { MessageId = "m", Delta = "b" }]);
        Assert.Equal(["""{"type":"TEXT_MESSAGE_START","messageId":"m","role":"assistant"}""", """{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"ab"}"""], Json(compacted));
    }

    [Fact]
    public void Finalizer_appends_nothing_after_a_terminal()
    {
        var finalizer = new RunFinalizer();
        finalizer.Observe(new RunStartedEvent { ThreadId = "t", RunId = "r" });
        finalizer.Observe(new TextMessageStartEvent { MessageId = "m" });
        finalizer.Observe(new RunErrorEvent { Message = "x" });
        Assert.Empty(finalizer.Finalize(RunEnding.Stop, "t", "r"));
    }

    [Fact]
    public void Finalizer_on_stop_closes_everything_and_finishes_with_ids()
    {
        var finalizer = new RunFinalizer();
        foreach (var e in new AgUiEvent[]
        {
            new RunStartedEvent { ThreadId = "t", RunId = "r" },
            new TextMessageStartEvent { MessageId = "m1" }, new TextMessageStartEvent { MessageId = "m2" }, new TextMessageEndEvent { MessageId = "m1" },
            new ToolCallStartEvent { ToolCallId = "done", ToolCallName = "f" }, new ToolCallEndEvent { ToolCallId = "done" },
            new ToolCallResultEvent { ToolCallId = "done", MessageId = "x", Content = "ok" },
            new ToolCallStartEvent { ToolCallId = "ended", ToolCallName = "f" }, new ToolCallEndEvent { ToolCallId = "ended" },
            new ToolCallStartEvent { ToolCallId = "open", ToolCallName = "f" },
        })
        {
            finalizer.Observe(e);
        }
        Assert.Equal(
        [
            """{"type":"TEXT_MESSAGE_END","messageId":"m2"}""",
            """{"type":"TOOL_CALL_RESULT","toolCallId":"ended","messageId":"ended-result","role":"tool","content":"{\"status\":\"stopped\",\"reason\":\"stop_requested\",\"message\":\"Run stopped by user\"}"}""",
            """{"type":"TOOL_CALL_END","toolCallId":"open"}""",
            """{"type":"TOOL_CALL_RESULT","toolCallId":"open","messageId":"open-result","role":"tool","content":"{\"status\":\"stopped\",\"reason\":\"stop_requested\",\"message\":\"Run stopped by user\"}"}""",
            """{"type":"RUN_FINISHED","threadId":"t","runId":"r"}""",
        ], Json(finalizer.Finalize(RunEnding.Stop, "t", "r")));
    }

    [Fact]
    public void Finalizer_errors_use_the_given_code_or_incomplete_stream()
    {
        var plain = new RunFinalizer();
        plain.Observe(new RunStartedEvent { ThreadId = "t", RunId = "r" });
        Assert.Equal(["""{"type":"RUN_ERROR","message":"Run ended without emitting a terminal event","code":"INCOMPLETE_STREAM"}"""], Json(plain.Finalize(RunEnding.Completed, "t", "r")));
        var limited = new RunFinalizer();
        Assert.Equal(["""{"type":"RUN_ERROR","message":"too many","code":"EVENT_LIMIT_EXCEEDED"}"""], Json(limited.Finalize(RunEnding.Failed("too many", "EVENT_LIMIT_EXCEEDED"), "t", "r")));
    }

    [Theory]
    [InlineData("""{"a":{"b":[1,2]}}""", """[{"op":"add","path":"/a/b/1","value":9}]""", """{"a":{"b":[1,9,2]}}""")]
    [InlineData("""{"a/b":1,"c~d":2}""", """[{"op":"replace","path":"/a~1b","value":3},{"op":"remove","path":"/c~0d"}]""", """{"a/b":3}""")]
    [InlineData("""{"a":1}""", """[{"op":"move","from":"/a","path":"/b"}]""", """{"b":1}""")]
    [InlineData("""{"a":1}""", """[{"op":"test","path":"/a","value":1},{"op":"add","path":"","value":[0]}]""", """[0]""")]
    public void Json_patch_applies_rfc6902_operations(string document, string patch, string expected)
    {
        var result = JsonPatch.Apply(JsonNode.Parse(document), AgUiJson.Parse(patch));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), result), result?.ToJsonString());
    }

    [Theory]
    [InlineData("""[{"op":"remove","path":"/missing"}]""")]
    [InlineData("""[{"op":"test","path":"/a","value":2}]""")]
    [InlineData("""[{"op":"add","path":"/a/b/c","value":1}]""")]
    [InlineData("""{"op":"add"}""")]
    [InlineData("""[{"op":"add","path":"no-slash","value":1}]""")]
    public void Json_patch_rejects_what_cannot_apply(string patch) =>
        Assert.Throws<JsonPatchException>(() => JsonPatch.Apply(JsonNode.Parse("""{"a":1}"""), AgUiJson.Parse(patch)));
}
