using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Redis;
using CopilotAspire.Tests.Protocol;

namespace CopilotAspire.Tests.Runners;

/// <summary>The Redis runner's reader of its own event JSON gives what the general (polymorphic) reader gives.</summary>
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
}
