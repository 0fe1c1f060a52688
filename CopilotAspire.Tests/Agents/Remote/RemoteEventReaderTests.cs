using System.Text;
using System.Text.Json;
using CopilotAspire.Runtime.Agents.Remote;
using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Tests.Agents.Remote;

/// <summary>
/// A remote agent's events read as the general reader reads them, except a <c>RUN_STARTED</c>'s echoed input, which is
/// cut out unread (the runner replaces it with its own).
/// </summary>
[Kind(TestKind.Fast)]
public sealed class RemoteEventReaderTests
{
    private const string Input = """{"threadId":"t","runId":"r","messages":[{"id":"u1","role":"user","content":"a \"quoted\", {braced} [text]"}],"tools":[],"context":[],"state":{"n":[1,{"x":","}]},"forwardedProps":{}}""";

    [Theory]
    [InlineData("""{"type":"RUN_STARTED","threadId":"t","runId":"r","input":INPUT}""")]
    [InlineData("""{"type":"RUN_STARTED","threadId":"t","input":INPUT,"runId":"r"}""")]
    [InlineData("""{"type":"RUN_STARTED" , "input" : INPUT , "threadId":"t","runId":"r"}""")]
    [InlineData("""{"type":"RUN_STARTED","threadId":"t","runId":"r","parentRunId":"p","input":INPUT,"timestamp":5}""")]
    [InlineData("""{"type":"RUN_STARTED","threadId":"t","runId":"r","input":null}""")]
    [InlineData("""{"type":"RUN_STARTED","threadId":"t","runId":"r"}""")]
    public void A_run_started_reads_as_the_general_reader_reads_it_without_its_input(string template)
    {
        var json = template.Replace("INPUT", Input, StringComparison.Ordinal);

        var e = Assert.IsType<RunStartedEvent>(RemoteEventReader.Read(Encoding.UTF8.GetBytes(json)));

        var expected = Assert.IsType<RunStartedEvent>(AgUiJson.DeserializeEvent(json)) with { Input = null };
        Assert.Null(e.Input);
        Assert.Equal(AgUiJson.Serialize(expected), AgUiJson.Serialize(e));
    }

    [Theory]
    [InlineData("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"hi"}""")]
    [InlineData("""{"type":"TEXT_MESSAGE_START","messageId":"m","role":"assistant"}""")]
    [InlineData("""{"type":"RUN_FINISHED","threadId":"t","runId":"r","result":{"input":1}}""")]
    public void Other_events_read_as_the_general_reader_reads_them(string json)
    {
        Assert.Equal(AgUiJson.Serialize(AgUiJson.DeserializeEvent(json)), AgUiJson.Serialize(RemoteEventReader.Read(Encoding.UTF8.GetBytes(json))));
    }

    [Theory]
    [InlineData("""{"type":"RUN_STARTED","threadId":"t","runId":"r","input":{"messages":[}""")]
    [InlineData("""{"type":"RUN_STARTED","threadId":"t","runId":"r","input":{}} trailing""")]
    [InlineData("""{"type":"RUN_STARTED","runId":"r","input":{}}""")]
    public void A_malformed_run_started_is_a_json_error(string json)
    {
        Assert.ThrowsAny<JsonException>(() => RemoteEventReader.Read(Encoding.UTF8.GetBytes(json)));
    }
}
