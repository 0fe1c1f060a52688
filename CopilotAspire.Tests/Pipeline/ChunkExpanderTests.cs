using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Tests.Pipeline;

[Kind(TestKind.Fast)]
public sealed class ChunkExpanderTests
{
    private static List<string> Expand(params AgUiEvent[] events)
    {
        var expander = new ChunkExpander();
        var output = new List<AgUiEvent>();
        foreach (var e in events)
        {
            expander.Process(e, output);
        }
        return output.Select(AgUiJson.Serialize).ToList();
    }

    [Fact]
    public void Text_chunks_open_continue_and_close_before_the_next_explicit_event()
    {
        var output = Expand(
            new TextMessageChunkEvent { MessageId = "m", Delta = "a" },
            new TextMessageChunkEvent { Delta = "b" },
            new TextMessageChunkEvent { MessageId = "m", Delta = "" },
            new CustomEvent { Name = "x", Value = AgUiJson.Parse("1") });
        Assert.Equal(
        [
            """{"type":"TEXT_MESSAGE_START","messageId":"m","role":"assistant"}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"a"}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"b"}""",
            """{"type":"TEXT_MESSAGE_END","messageId":"m"}""",
            """{"type":"CUSTOM","name":"x","value":1}""",
        ], output);
    }

    [Fact]
    public void A_chunk_with_a_new_id_or_kind_closes_the_pending_stream()
    {
        var output = Expand(
            new TextMessageChunkEvent { MessageId = "m1", Delta = "a", Role = "developer", Name = "dev" },
            new TextMessageChunkEvent { MessageId = "m2", Delta = "b" },
            new ToolCallChunkEvent { ToolCallId = "c", ToolCallName = "f", ParentMessageId = "m2", Delta = "{}" },
            new RunFinishedEvent { ThreadId = "t", RunId = "r" });
        Assert.Equal(
        [
            """{"type":"TEXT_MESSAGE_START","messageId":"m1","role":"developer","name":"dev"}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"m1","delta":"a"}""",
            """{"type":"TEXT_MESSAGE_END","messageId":"m1"}""",
            """{"type":"TEXT_MESSAGE_START","messageId":"m2","role":"assistant"}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"m2","delta":"b"}""",
            """{"type":"TEXT_MESSAGE_END","messageId":"m2"}""",
            """{"type":"TOOL_CALL_START","toolCallId":"c","toolCallName":"f","parentMessageId":"m2"}""",
            """{"type":"TOOL_CALL_ARGS","toolCallId":"c","delta":"{}"}""",
            """{"type":"TOOL_CALL_END","toolCallId":"c"}""",
            """{"type":"RUN_FINISHED","threadId":"t","runId":"r"}""",
        ], output);
    }

    [Fact]
    public void Raw_and_activity_events_do_not_close_a_pending_stream()
    {
        var output = Expand(
            new TextMessageChunkEvent { MessageId = "m", Delta = "a" },
            new RawEvent { Event = AgUiJson.Parse("{}") },
            new TextMessageChunkEvent { Delta = "b" });
        Assert.Equal(["TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "RAW", "TEXT_MESSAGE_CONTENT"], output.Select(j => AgUiJson.DeserializeEvent(j).Type));
    }

    [Fact]
    public void Subagent_lanes_are_independent()
    {
        var output = Expand(
            new TextMessageChunkEvent { MessageId = "p", Delta = "parent" },
            new TextMessageChunkEvent { MessageId = "s", Delta = "sub", SubagentRunId = "sa" },
            new TextMessageChunkEvent { Delta = " more" },
            new SubagentFinishedEvent { SubagentRunId = "sa" });
        Assert.Equal(
        [
            """{"type":"TEXT_MESSAGE_START","messageId":"p","role":"assistant"}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"p","delta":"parent"}""",
            """{"type":"TEXT_MESSAGE_START","messageId":"s","role":"assistant","subagentRunId":"sa"}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"s","delta":"sub","subagentRunId":"sa"}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"p","delta":" more"}""",
            """{"type":"TEXT_MESSAGE_END","messageId":"s","subagentRunId":"sa"}""",
            """{"type":"SUBAGENT_FINISHED","subagentRunId":"sa"}""",
        ], output);
    }

    [Fact]
    public void Reasoning_chunks_expand_to_reasoning_messages()
    {
        var output = Expand(new ReasoningMessageChunkEvent { MessageId = "r", Delta = "think" }, new RunFinishedEvent { ThreadId = "t", RunId = "r" });
        Assert.Equal(["REASONING_MESSAGE_START", "REASONING_MESSAGE_CONTENT", "REASONING_MESSAGE_END", "RUN_FINISHED"], output.Select(j => AgUiJson.DeserializeEvent(j).Type));
    }

    [Fact]
    public void Opening_chunks_need_their_ids()
    {
        Assert.Equal("First TEXT_MESSAGE_CHUNK must have a messageId",
            Assert.Throws<ProtocolViolationException>(() => Expand(new TextMessageChunkEvent { Delta = "x" })).Message);
        Assert.Throws<ProtocolViolationException>(() => Expand(new ToolCallChunkEvent { ToolCallId = "c", Delta = "x" }));
    }
}
