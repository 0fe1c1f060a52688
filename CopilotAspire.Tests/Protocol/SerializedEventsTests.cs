using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;

namespace CopilotAspire.Tests.Protocol;

/// <summary>
/// A stored run keeps its events as JSON only: replaying writes those bytes, and what a replay needs of the objects
/// (a RUN_ERROR, a message id) is known without reading them; an event read back equals the one stored.
/// </summary>
[Kind(TestKind.Fast)]
public sealed class SerializedEventsTests
{
    private static readonly AgUiEvent[] Run =
    [
        new RunStartedEvent { ThreadId = "t", RunId = "r" },
        new TextMessageStartEvent { MessageId = "m1", Role = "assistant" },
        new TextMessageContentEvent { MessageId = "m1", Delta = "héllo \"x\" </script>" },
        new TextMessageEndEvent { MessageId = "m1" },
        new RunErrorEvent { Message = "boom", Code = "E1" },
    ];

    [Fact]
    public void Each_event_is_its_writers_bytes_and_reads_back_equal()
    {
        var stored = new SerializedEvents(Run);

        Assert.Equal(Run.Length, stored.Count);
        Assert.Equal(Run.Sum(e => (long)AgUiEventWriter.ToUtf8Bytes(e).Length), stored.Bytes);
        for (var i = 0; i < Run.Length; i++)
        {
            Assert.Equal(AgUiEventWriter.ToUtf8Bytes(Run[i]), stored.JsonOf(i).ToArray());
            Assert.Equal(Run[i], stored.Read(i));
            var item = new RunnerEvent(stored, i);
            Assert.Equal(Run[i], item.Event);
            Assert.Equal(stored.JsonOf(i).ToArray(), item.Json.ToArray());
            Assert.Equal(Run[i] is RunErrorEvent, item.IsRunError);
            Assert.Equal(RunHistoryRules.MessageIdOf(Run[i]), stored.MessageIdOf(i));
        }
    }

    [Fact]
    public void A_live_event_is_a_run_error_by_its_type()
    {
        Assert.True(new RunnerEvent(new RunErrorEvent { Message = "x" }).IsRunError);
        Assert.False(new RunnerEvent(new RunFinishedEvent { ThreadId = "t", RunId = "r" }).IsRunError);
        Assert.Throws<ArgumentNullException>(() => new RunnerEvent((AgUiEvent)null!));
    }
}
