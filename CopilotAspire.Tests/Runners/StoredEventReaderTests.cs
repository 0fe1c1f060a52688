using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Redis;
using CopilotAspire.Tests.Protocol;

namespace CopilotAspire.Tests.Runners;

/// <summary>The Redis runner's reader of its own event JSON gives what the general (polymorphic) reader gives.</summary>
[Kind(TestKind.Fast)]
public sealed class StoredEventReaderTests
{
    [Theory]
    [MemberData(nameof(SerializationTests.EveryEventType), MemberType = typeof(SerializationTests))]
    public void Every_event_reads_as_the_polymorphic_reader_reads_it(string json)
    {
        var e = StoredEventReader.Read(System.Text.Encoding.UTF8.GetBytes(json));

        Assert.Equal(AgUiJson.DeserializeEvent(json).GetType(), e.GetType());
        Assert.Equal(json, AgUiJson.Serialize(e));
    }

    [Theory]
    [InlineData("""{"type":"TEXT_MESSAGE_END","messageId":"m","extra":{"kept":[1,"two"]}}""", """{"type":"TEXT_MESSAGE_END","messageId":"m","extra":{"kept":[1,"two"]}}""")]
    [InlineData("""{"messageId":"m","type":"TEXT_MESSAGE_END"}""", """{"type":"TEXT_MESSAGE_END","messageId":"m"}""")]
    [InlineData("""{ "type" : "TEXT_MESSAGE_END" , "messageId" : "m" }""", """{"type":"TEXT_MESSAGE_END","messageId":"m"}""")]
    [InlineData("""{"type":"THINKING_END"}""", """{"type":"THINKING_END"}""")]
    public void Fields_it_does_not_model_survive_and_other_forms_take_the_general_path(string json, string expected)
    {
        Assert.Equal(expected, AgUiJson.Serialize(StoredEventReader.Read(System.Text.Encoding.UTF8.GetBytes(json))));
    }

    [Theory]
    [InlineData("""{"type":"NOT_AN_EVENT"}""")]
    [InlineData("""{"messageId":"m"}""")]
    [InlineData("""{"type":"TEXT_MESSAGE_END"}""")]
    [InlineData("[1]")]
    public void What_is_not_an_event_is_a_json_error(string json)
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => StoredEventReader.Read(System.Text.Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"hi"}""")]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","delta":"a \"quoted\" \\ \u00e9\n\ud83d\ude00","messageId":"m\u002f1"}""")]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":""}""")]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"héllo 😀"}""")]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"x","timestamp":5}""")]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"x","extra":[1]}""")]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","MessageId":"m","Delta":"x"}""")]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT", "messageId" : "m" , "delta" : "x" } """)]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","me\u0073sageId":"m","delta":"x"}""")]
    public void A_token_reads_as_the_polymorphic_reader_reads_it(string json)
    {
        var e = StoredEventReader.Read(System.Text.Encoding.UTF8.GetBytes(json));

        var expected = Assert.IsType<TextMessageContentEvent>(AgUiJson.DeserializeEvent(json));
        var token = Assert.IsType<TextMessageContentEvent>(e);
        Assert.Equal((expected.MessageId, expected.Delta), (token.MessageId, token.Delta));
        Assert.Equal(AgUiJson.Serialize(expected), AgUiJson.Serialize(e));
    }

    [Theory]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m"}""")]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","delta":"x"}""")]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":null}""")]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":5}""")]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"x"} trailing""")]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"x """)]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"x",}""")]
    public void A_malformed_token_is_a_json_error_as_from_the_polymorphic_reader(string json)
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => AgUiJson.DeserializeEvent(json));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => StoredEventReader.Read(System.Text.Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void A_stored_run_read_back_keeps_its_events_as_json_and_reads_one_only_when_asked()
    {
        AgUiEvent[] events =
        [
            new RunStartedEvent { ThreadId = "t", RunId = "r" },
            new TextMessageStartEvent { MessageId = "m", Role = "assistant" },
            new TextMessageContentEvent { MessageId = "m", Delta = "hi" },
            new TextMessageEndEvent { MessageId = "m" },
            new RunErrorEvent { Message = "boom", Code = "E" },
        ];
        var run = StoredRunCodec.Deserialize(StoredRunCodec.Serialize(new StoredRun(3, "r", "a", events)));

        Assert.Equal(events.Length, run.Events.Count);
        for (var i = 0; i < events.Length; i++)
        {
            var item = run.ToRunnerEvent(i, "3.c" + (i + 1));
            Assert.Equal(AgUiEventWriter.ToUtf8Bytes(events[i]), item.Json.ToArray());
            Assert.Equal(events[i] is RunErrorEvent, item.IsRunError);
            Assert.Equal(events[i], item.Event);
            Assert.Equal(events[i], run.Events[i]);
        }
        Assert.Equal(events, run.Events);
    }
}
