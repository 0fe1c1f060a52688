using CopilotAspire.Runtime.Middleware;
using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Tests.Protocol;

/// <summary>
/// A replay held as JSON is counted (copilot.messages, copilot.tool_calls) without reading every stored event: only
/// the kinds the counter uses are read (<see cref="MessageReconstructor.Observes"/>), and the counts are the same as
/// reading them all.
/// </summary>
[Kind(TestKind.Fast)]
public sealed class StoredEventCountingTests
{
    private static readonly AgUiEvent[] Run =
    [
        new RunStartedEvent { ThreadId = "t", RunId = "r" },
        new TextMessageStartEvent { MessageId = "m1", Role = "assistant" },
        .. Enumerable.Range(0, 50).Select(i => new TextMessageContentEvent { MessageId = "m1", Delta = $"token {i} " }),
        new TextMessageEndEvent { MessageId = "m1" },
        new ToolCallStartEvent { ToolCallId = "tc1", ToolCallName = "weather", ParentMessageId = "m1" },
        .. Enumerable.Range(0, 20).Select(i => new ToolCallArgsEvent { ToolCallId = "tc1", Delta = $"\"a{i}\"" }),
        new ToolCallEndEvent { ToolCallId = "tc1" },
        new ToolCallResultEvent { ToolCallId = "tc1", MessageId = "r1", Role = "tool", Content = "sunny" },
        new TextMessageChunkEvent { MessageId = "m2", Role = "assistant", Delta = "chunked" },
        new TextMessageChunkEvent { MessageId = "m2", Delta = " more" },
        new ToolCallChunkEvent { ToolCallId = "tc2", ToolCallName = "lookup", ParentMessageId = "m2", Delta = "{}" },
        new StateSnapshotEvent { Snapshot = AgUiJson.StringValue("s") },
        new RunFinishedEvent { ThreadId = "t", RunId = "r" },
    ];

    [Fact]
    public void Counting_a_stored_run_reads_only_what_it_counts_and_counts_the_same()
    {
        var stored = new CountingStoredEvents(new SerializedEvents(Run));
        var all = new MessageReconstructor(keepContent: false);
        var some = new MessageReconstructor(keepContent: false);
        for (var i = 0; i < Run.Length; i++)
        {
            all.Observe(Run[i]);
            if (MessageReconstructor.Observes(stored.JsonOf(i).Span, keepContent: false))
            {
                some.Observe(stored.Read(i));
            }
        }

        Assert.Equal(3, all.MessageCount); // m1, the tool result, m2
        Assert.Equal((all.MessageCount, all.ToolCallCount()), (some.MessageCount, some.ToolCallCount()));
        // The 70 deltas, the text end, the state snapshot and RUN_FINISHED are not read; starts, tool ends, chunks and results are.
        Assert.Equal(Run.Length - 73, stored.Reads);
    }

    [Fact]
    public void Keeping_content_reads_the_deltas_too()
    {
        var stored = new SerializedEvents(Run);
        var read = Enumerable.Range(0, Run.Length).Count(i => MessageReconstructor.Observes(stored.JsonOf(i).Span, keepContent: true));
        Assert.Equal(Run.Length - 3, read); // all but the text end, the state snapshot and RUN_FINISHED
    }

    [Fact]
    public void Json_not_written_type_first_is_read_to_know()
    {
        Assert.True(MessageReconstructor.Observes("{\"messageId\":\"m\",\"type\":\"TEXT_MESSAGE_CONTENT\",\"delta\":\"x\"}"u8, keepContent: false));
        Assert.True(MessageReconstructor.Observes([], keepContent: false));
    }

    private sealed class CountingStoredEvents(IStoredEvents inner) : IStoredEvents
    {
        public int Reads { get; private set; }

        public ReadOnlyMemory<byte> JsonOf(int index) => inner.JsonOf(index);

        public AgUiEvent Read(int index)
        {
            Reads++;
            return inner.Read(index);
        }

        public bool IsRunError(int index) => inner.IsRunError(index);
    }
}
