using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Tests.Pipeline;

[Kind(TestKind.Fast)]
public sealed class EventVerifierTests
{
    private static readonly RunStartedEvent Started = new() { ThreadId = "t", RunId = "r" };
    private static readonly RunFinishedEvent Finished = new() { ThreadId = "t", RunId = "r" };

    private static string? Violation(params AgUiEvent[] events)
    {
        var verifier = new EventVerifier();
        try
        {
            foreach (var e in events)
            {
                verifier.Verify(e);
            }
            return null;
        }
        catch (ProtocolViolationException ex)
        {
            return ex.Message;
        }
    }

    [Fact]
    public void A_well_formed_stream_passes_and_may_hold_several_runs()
    {
        Assert.Null(Violation(Started, new TextMessageStartEvent { MessageId = "m" }, new ToolCallStartEvent { ToolCallId = "c", ToolCallName = "f" },
            new TextMessageContentEvent { MessageId = "m", Delta = "x" }, new ToolCallEndEvent { ToolCallId = "c" }, new TextMessageEndEvent { MessageId = "m" },
            new StepStartedEvent { StepName = "s" }, new StepFinishedEvent { StepName = "s" }, Finished, Started with { RunId = "r2" }, Finished));
    }

    [Fact]
    public void First_event_must_start_the_run() =>
        Assert.Equal("First event must be 'RUN_STARTED'", Violation(new TextMessageStartEvent { MessageId = "m" }));

    [Fact]
    public void Run_error_may_come_first_and_nothing_may_follow_it()
    {
        Assert.Null(Violation(new RunErrorEvent { Message = "x" }));
        Assert.Equal("Cannot send event type 'TEXT_MESSAGE_START': The run has already errored with 'RUN_ERROR'. No further events can be sent.",
            Violation(Started, new RunErrorEvent { Message = "x" }, new TextMessageStartEvent { MessageId = "m" }));
    }

    [Fact]
    public void Nothing_but_a_new_run_or_an_error_follows_run_finished() =>
        Assert.Equal("Cannot send event type 'CUSTOM': The run has already finished with 'RUN_FINISHED'. Start a new run with 'RUN_STARTED'.",
            Violation(Started, Finished, new CustomEvent { Name = "x", Value = AgUiJson.Parse("1") }));

    [Theory]
    [InlineData("content", "Cannot send 'TEXT_MESSAGE_CONTENT' event: No active text message found with ID 'zz'. Start a text message with 'TEXT_MESSAGE_START' first.")]
    [InlineData("end", "Cannot send 'TEXT_MESSAGE_END' event: No active text message found with ID 'zz'. A 'TEXT_MESSAGE_START' event must be sent first.")]
    [InlineData("args", "Cannot send 'TOOL_CALL_ARGS' event: No active tool call found with ID 'zz'. Start a tool call with 'TOOL_CALL_START' first.")]
    [InlineData("toolend", "Cannot send 'TOOL_CALL_END' event: No active tool call found with ID 'zz'. A 'TOOL_CALL_START' event must be sent first.")]
    [InlineData("step", "Cannot send 'STEP_FINISHED' for step \"zz\" that was not started")]
    public void Continuations_need_an_open_start(string kind, string message)
    {
        AgUiEvent e = kind switch
        {
            "content" => new TextMessageContentEvent { MessageId = "zz", Delta = "x" },
            "end" => new TextMessageEndEvent { MessageId = "zz" },
            "args" => new ToolCallArgsEvent { ToolCallId = "zz", Delta = "x" },
            "toolend" => new ToolCallEndEvent { ToolCallId = "zz" },
            _ => new StepFinishedEvent { StepName = "zz" },
        };
        Assert.Equal(message, Violation(Started, e));
    }

    [Fact]
    public void Run_finished_needs_everything_closed()
    {
        Assert.Equal("Cannot send 'RUN_FINISHED' while text messages are still active: m", Violation(Started, new TextMessageStartEvent { MessageId = "m" }, Finished));
        Assert.Equal("Cannot send 'RUN_FINISHED' while tool calls are still active: c", Violation(Started, new ToolCallStartEvent { ToolCallId = "c", ToolCallName = "f" }, Finished));
        Assert.Equal("Cannot send 'RUN_FINISHED' while steps are still active: s", Violation(Started, new StepStartedEvent { StepName = "s" }, Finished));
    }

    [Fact]
    public void Duplicate_starts_are_rejected()
    {
        Assert.Equal("Cannot send 'RUN_STARTED' while a run is still active. The previous run must be finished with 'RUN_FINISHED' before starting a new run.", Violation(Started, Started));
        Assert.Equal("Cannot send 'TEXT_MESSAGE_START' event: A text message with ID 'm' is already in progress. Complete it with 'TEXT_MESSAGE_END' first.",
            Violation(Started, new TextMessageStartEvent { MessageId = "m" }, new TextMessageStartEvent { MessageId = "m" }));
        Assert.Equal("Step \"s\" is already active for 'STEP_STARTED'", Violation(Started, new StepStartedEvent { StepName = "s" }, new StepStartedEvent { StepName = "s" }));
    }
}
