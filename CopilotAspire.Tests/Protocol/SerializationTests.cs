using System.Text.Json;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Protocol;

/// <summary>AG-UI JSON: field order, omitted absent fields, relaxed escaping, passthrough, validation.</summary>
[Kind(TestKind.Fast)]
public sealed class SerializationTests
{
    public static TheoryData<string> EveryEventType() =>
    [
        """{"type":"RUN_STARTED","threadId":"t","runId":"r","parentRunId":"p"}""",
        """{"type":"RUN_FINISHED","threadId":"t","runId":"r","result":{"a":1},"finishReason":"stop","usage":[{"provider":"openai","model":"m","inputTokens":3,"outputTokens":4,"totalTokens":7}],"outcome":{"type":"success"}}""",
        """{"type":"RUN_ERROR","message":"m","code":"C"}""",
        """{"type":"STEP_STARTED","stepName":"s"}""",
        """{"type":"STEP_FINISHED","stepName":"s"}""",
        """{"type":"TEXT_MESSAGE_START","messageId":"m","role":"assistant","name":"n"}""",
        """{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"d"}""",
        """{"type":"TEXT_MESSAGE_END","messageId":"m"}""",
        """{"type":"TEXT_MESSAGE_CHUNK","messageId":"m","role":"assistant","delta":"d"}""",
        """{"type":"TOOL_CALL_START","toolCallId":"c","toolCallName":"n","parentMessageId":"m"}""",
        """{"type":"TOOL_CALL_ARGS","toolCallId":"c","delta":"{}"}""",
        """{"type":"TOOL_CALL_END","toolCallId":"c"}""",
        """{"type":"TOOL_CALL_CHUNK","toolCallId":"c","toolCallName":"n","delta":"{"}""",
        """{"type":"TOOL_CALL_RESULT","toolCallId":"c","messageId":"m","role":"tool","content":"ok"}""",
        """{"type":"STATE_SNAPSHOT","snapshot":{"x":[1,2,{"y":null}]}}""",
        """{"type":"STATE_DELTA","delta":[{"op":"add","path":"/x","value":1}]}""",
        """{"type":"MESSAGES_SNAPSHOT","messages":[{"id":"u","role":"user","content":"hi"}]}""",
        """{"type":"ACTIVITY_SNAPSHOT","messageId":"a","activityType":"plan","content":{"s":1},"replace":false}""",
        """{"type":"ACTIVITY_DELTA","messageId":"a","activityType":"plan","patch":[]}""",
        """{"type":"RAW","event":{"any":"thing"},"source":"s"}""",
        """{"type":"CUSTOM","name":"n","value":[1]}""",
        """{"type":"REASONING_START","messageId":"r"}""",
        """{"type":"REASONING_MESSAGE_START","messageId":"r","role":"reasoning"}""",
        """{"type":"REASONING_MESSAGE_CONTENT","messageId":"r","delta":"d"}""",
        """{"type":"REASONING_MESSAGE_END","messageId":"r"}""",
        """{"type":"REASONING_MESSAGE_CHUNK","messageId":"r","delta":"d"}""",
        """{"type":"REASONING_END","messageId":"r"}""",
        """{"type":"REASONING_ENCRYPTED_VALUE","subtype":"message","entityId":"e","encryptedValue":"v"}""",
        """{"type":"THINKING_START","title":"t"}""",
        """{"type":"THINKING_TEXT_MESSAGE_CONTENT","delta":"d"}""",
        """{"type":"THINKING_END"}""",
        """{"type":"SUBAGENT_STARTED","name":"n","description":"d","subagentRunId":"s"}""",
        """{"type":"SUBAGENT_FINISHED","result":1,"subagentRunId":"s"}""",
        """{"type":"SUBAGENT_ERROR","message":"m","code":"c","subagentRunId":"s"}""",
    ];

    [Theory]
    [MemberData(nameof(EveryEventType))]
    public void Every_event_round_trips_byte_for_byte(string json)
    {
        Assert.Equal(json, AgUiJson.Serialize(AgUiJson.DeserializeEvent(json)));
    }

    [Theory]
    [MemberData(nameof(EveryEventType))]
    public void The_fast_event_writer_writes_what_the_polymorphic_serializer_writes(string json)
    {
        var e = AgUiJson.DeserializeEvent(json);
        var polymorphic = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(e, AgUiJson.Context.AgUiEvent);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        AgUiEventWriter.Write(buffer, e);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(polymorphic), System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Theory]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"é<b>&'\"\\\n\t😀 ünïcode \u0001"}""")]
    [InlineData("{\"type\":\"TEXT_MESSAGE_CONTENT\",\"messageId\":\"r1-text\",\"delta\":\" w12 ünïcode 😀 \u2028 \u007f <b>&'\"}")]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m\"q","delta":""}""")]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"d","timestamp":5}""")]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"d","custom":{"a":[1]}}""")]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"d","subagentRunId":"s","metadata":{"k":1}}""")]
    public void A_token_written_by_hand_is_what_the_polymorphic_serializer_writes(string json)
    {
        var e = AgUiJson.DeserializeEvent(json);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        AgUiEventWriter.Write(buffer, e);
        Assert.Equal(json, System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(json, AgUiJson.Serialize(e));
    }

    [Fact]
    public void A_token_with_a_lone_surrogate_is_written_as_the_serializer_writes_it()
    {
        var e = new TextMessageContentEvent { MessageId = "m", Delta = "lone \ud83d surrogate" };
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        AgUiEventWriter.Write(buffer, e);
        Assert.Equal(AgUiJson.Serialize(e), System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Absent_fields_are_omitted_never_null()
    {
        Assert.Equal("""{"type":"RUN_FINISHED","threadId":"t","runId":"r"}""", AgUiJson.Serialize(new RunFinishedEvent { ThreadId = "t", RunId = "r" }));
        Assert.Equal("""{"type":"TOOL_CALL_START","toolCallId":"c","toolCallName":"n"}""", AgUiJson.Serialize(new ToolCallStartEvent { ToolCallId = "c", ToolCallName = "n" }));
        Assert.Equal("""{"type":"RUN_ERROR","message":"m"}""", AgUiJson.Serialize(new RunErrorEvent { Message = "m" }));
    }

    [Fact]
    public void Escaping_is_as_relaxed_as_json_stringify()
    {
        var json = AgUiJson.Serialize(new TextMessageContentEvent { MessageId = "m", Delta = "é<b>&'\"\\\n\t😀 ünïcode" });
        Assert.Equal("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"é<b>&'\"\\\n\t😀 ünïcode"}""", json);
    }

    [Fact]
    public void Extra_event_fields_pass_through()
    {
        var e = AgUiJson.DeserializeEvent("""{"type":"TEXT_MESSAGE_END","messageId":"m","timestamp":5,"custom":{"a":[1]}}""");
        Assert.Equal(5, e.Timestamp);
        Assert.Equal("""{"type":"TEXT_MESSAGE_END","messageId":"m","timestamp":5,"custom":{"a":[1]}}""", AgUiJson.Serialize(e));
    }

    [Fact]
    public void Discriminator_may_come_after_other_fields()
    {
        Assert.IsType<TextMessageContentEvent>(AgUiJson.DeserializeEvent("""{"messageId":"m","delta":"d","type":"TEXT_MESSAGE_CONTENT"}"""));
    }

    [Theory]
    [InlineData("""{"type":"NOT_AN_EVENT"}""")]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m"}""")]
    [InlineData("""{"delta":"d"}""")]
    public void Invalid_events_are_rejected(string json)
    {
        Assert.ThrowsAny<JsonException>(() => AgUiJson.DeserializeEvent(json));
    }

    [Fact]
    public void Messages_are_written_in_each_role_schema_order_whatever_order_they_came_in()
    {
        var input = JsonSerializer.Deserialize("""
            {"threadId":"t","runId":"r","tools":[],"context":[],"messages":[
              {"content":"hi","role":"user","id":"u"},
              {"toolCalls":[{"function":{"arguments":"{}","name":"f"},"type":"function","id":"c"}],"role":"assistant","id":"a"},
              {"toolCallId":"c","role":"tool","content":"ok","id":"t1","error":"e"},
              {"content":{"k":1},"activityType":"plan","role":"activity","id":"x"},
              {"role":"system","content":"s","id":"s","name":"n","unknown":1}
            ]}
            """, AgUiJson.Context.RunAgentInput)!;
        Assert.Equal(
            """[{"id":"u","role":"user","content":"hi"},{"id":"a","role":"assistant","toolCalls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},{"id":"t1","content":"ok","role":"tool","toolCallId":"c","error":"e"},{"id":"x","role":"activity","activityType":"plan","content":{"k":1}},{"id":"s","role":"system","content":"s","name":"n"}]""",
            JsonSerializer.Serialize(input.Messages, AgUiJson.Context.IReadOnlyListMessage));
    }

    [Theory]
    [InlineData("""{"id":"u","role":"user","content":[{"type":"text","text":"look"},{"type":"image","source":{"type":"url","value":"https://x/y.png"}}]}""", true)]
    [InlineData("""{"id":"u","role":"user","content":[{"type":"binary","mimeType":"image/png","data":"AA=="}]}""", true)]
    [InlineData("""{"id":"u","role":"user","content":[{"type":"binary","mimeType":"image/png"}]}""", false)]
    [InlineData("""{"id":"u","role":"user","content":[{"type":"image","source":{"type":"ftp","value":"x"}}]}""", false)]
    [InlineData("""{"id":"u","role":"user","content":5}""", false)]
    [InlineData("""{"id":"s","role":"system"}""", false)]
    [InlineData("""{"id":"t","role":"tool","content":"x"}""", false)]
    [InlineData("""{"role":"user","content":"x"}""", false)]
    [InlineData("""{"id":"a","role":"assistant"}""", true)]
    public void Message_validation_follows_the_zod_schema(string message, bool valid)
    {
        var json = $$"""{"threadId":"t","runId":"r","tools":[],"context":[],"messages":[{{message}}]}""";
        if (valid)
        {
            Assert.NotNull(JsonSerializer.Deserialize(json, AgUiJson.Context.RunAgentInput));
        }
        else
        {
            Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(json, AgUiJson.Context.RunAgentInput));
        }
    }

    [Fact]
    public void Multimodal_user_text_joins_text_parts()
    {
        var m = JsonSerializer.Deserialize("""{"id":"u","role":"user","content":[{"type":"text","text":"a"},{"type":"image","source":{"type":"data","value":"AA==","mimeType":"image/png"}},{"type":"text","text":"b"}]}""", AgUiJson.Context.Message)!;
        Assert.Equal("ab", m.Text);
    }

    [Fact]
    public void Run_agent_input_keeps_schema_order_and_drops_null_state()
    {
        var input = JsonSerializer.Deserialize("""{"forwardedProps":{},"context":[],"tools":[],"messages":[],"state":null,"runId":"r","threadId":"t","parentRunId":"p"}""", AgUiJson.Context.RunAgentInput)!;
        Assert.Null(input.State);
        JsonAssert.Equal("""{"threadId":"t","runId":"r","parentRunId":"p","messages":[],"tools":[],"context":[],"forwardedProps":{}}""", JsonSerializer.Serialize(input, AgUiJson.Context.RunAgentInput));
        Assert.Equal("""{"threadId":"t","runId":"r","parentRunId":"p","messages":[],"tools":[],"context":[],"forwardedProps":{}}""", JsonSerializer.Serialize(input, AgUiJson.Context.RunAgentInput));
    }
}
