using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;

namespace CopilotAspire.Tests.Runners;

/// <summary>Limits a contract test needs to set on the runner under test.</summary>
public sealed record RunnerLimits(int MaxEventsPerRun = 250_000, int MaxRunsPerThread = 100);

/// <summary>
/// The runner rules of the wire spec §5 (and scripted-agent.md §2), run against every <see cref="AgentRunner"/>:
/// the in-memory runner and the Redis runner must be indistinguishable through this contract.
/// </summary>
public abstract class AgentRunnerContractTests : IAsyncLifetime
{
    private readonly List<AgentRunner> _runners = [];

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The runner most tests use (default limits).</summary>
    protected AgentRunner Runner { get; private set; } = null!;

    /// <summary>A new runner with <paramref name="limits"/>; the derived class disposes what it creates.</summary>
    protected abstract ValueTask<AgentRunner> CreateRunnerAsync(RunnerLimits limits);

    /// <summary>The code of the RUN_ERROR ending a run over the events cap.</summary>
    protected abstract string EventLimitCode { get; }

    public virtual async ValueTask InitializeAsync() => Runner = await CreateRunnerAsync(new RunnerLimits());

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    protected static string NewThread() => "thread-" + Guid.NewGuid().ToString("N")[..12];

    protected static async Task<List<RunnerEvent>> RunToEndAsync(AgentRunner runner, AgentRunRequest request) =>
        await (await runner.RunAsync(request, Ct)).ReadAllAsync(Ct);

    protected static async Task<List<RunnerEvent>> ConnectAllAsync(AgentRunner runner, string threadId, string? lastEventId = null) =>
        await (await runner.ConnectAsync(new AgentConnectRequest(threadId, "test", new Dictionary<string, string>(), lastEventId), Ct)).ReadAllAsync(Ct);

    protected static IAsyncEnumerator<RunnerEvent> Open(IAsyncEnumerable<RunnerEvent> stream) => stream.GetAsyncEnumerator(Ct);

    [Fact]
    public async Task Run_streams_the_agents_events_with_the_input_injected_into_RUN_STARTED()
    {
        var thread = NewThread();
        var events = await RunToEndAsync(Runner, TestAgents.Request(thread, "r1", TestAgents.Fixed(), Message.User("u1", "hi")));

        Assert.Equal(13, events.Count);
        var started = Assert.IsType<RunStartedEvent>(events[0].Event);
        Assert.Equal(["u1"], started.Input!.Messages.Select(m => m.Id));
        Assert.Equal(thread, started.Input.ThreadId);
        Assert.Equal(new RunFinishedEvent { ThreadId = thread, RunId = "r1" }, events[^1].Event);
    }

    [Fact]
    public async Task A_busy_thread_gets_an_empty_stream_and_the_active_run_is_unaffected()
    {
        var thread = NewThread();
        var agent = new GatedAgent(2);
        await using var first = Open(await Runner.RunAsync(TestAgents.Request(thread, "r1", agent), Ct));
        await first.ReadUntilAsync(e => e is TextMessageStartEvent);

        var second = await RunToEndAsync(Runner, TestAgents.Request(thread, "r2", TestAgents.Fixed()));
        Assert.Empty(second);

        agent.Release(2);
        var rest = await first.ReadToEndAsync();
        Assert.Equal(new RunFinishedEvent { ThreadId = thread, RunId = "r1" }, rest[^1].Event);
    }

    [Fact]
    public async Task RUN_STARTED_input_holds_only_messages_new_to_the_thread()
    {
        var thread = NewThread();
        await RunToEndAsync(Runner, TestAgents.Request(thread, "r1", TestAgents.Fixed(), Message.User("u1", "hi")));

        var events = await RunToEndAsync(Runner, TestAgents.Request(thread, "r2", TestAgents.Fixed(),
            Message.User("u1", "hi"), Message.Assistant("r1-text", "Hello world"), Message.ToolResult("r1-result", "r1-tool", "{}"), Message.User("u2", "again")));

        var started = Assert.IsType<RunStartedEvent>(events[0].Event);
        Assert.Equal(["u2"], started.Input!.Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task In_a_long_conversation_only_the_new_message_is_new()
    {
        var thread = NewThread();
        var history = Enumerable.Range(0, 2_500).Select(i => Message.User($"u{i}", $"message {i}")).ToArray();
        var first = await RunToEndAsync(Runner, TestAgents.Request(thread, "r1", TestAgents.Fixed(), history));
        Assert.Equal(2_500, Assert.IsType<RunStartedEvent>(first[0].Event).Input!.Messages.Count);

        var events = await RunToEndAsync(Runner, TestAgents.Request(thread, "r2", TestAgents.Fixed(), [.. history, Message.User("new", "and one more")]));

        var started = Assert.IsType<RunStartedEvent>(events[0].Event);
        Assert.Equal(["new"], started.Input!.Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task Reasoning_messages_and_tool_only_assistant_turns_of_earlier_runs_are_not_new()
    {
        var thread = NewThread();
        var reasoner = new ScriptAgent(ReasoningThenToolOnlyRun);
        await RunToEndAsync(Runner, TestAgents.Request(thread, "r1", reasoner, Message.User("u1", "hi")));

        // The client sends back what it built from run 1: the reasoning message and the tool-only assistant turn.
        var events = await RunToEndAsync(Runner, TestAgents.Request(thread, "r2", TestAgents.Fixed(),
            Message.User("u1", "hi"),
            new Message { Id = "think-1", Role = MessageRoles.Reasoning, Content = AgUiJson.StringValue("pondering") },
            Message.Assistant("turn-1", null, [new ToolCall { Id = "call-1", Function = new FunctionCall { Name = "f", Arguments = "{}" } }]),
            Message.User("u2", "again")));

        var started = Assert.IsType<RunStartedEvent>(events[0].Event);
        Assert.Equal(["u2"], started.Input!.Messages.Select(m => m.Id));
    }

    private static async IAsyncEnumerable<AgUiEvent> ReasoningThenToolOnlyRun(RunAgentInput input, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        yield return new ReasoningStartEvent { MessageId = "think-1" };
        yield return new ReasoningMessageStartEvent { MessageId = "think-1" };
        yield return new ReasoningMessageContentEvent { MessageId = "think-1", Delta = "pondering" };
        yield return new ReasoningMessageEndEvent { MessageId = "think-1" };
        yield return new ReasoningEndEvent { MessageId = "think-1" };
        yield return new ToolCallStartEvent { ToolCallId = "call-1", ToolCallName = "f", ParentMessageId = "turn-1" };
        yield return new ToolCallArgsEvent { ToolCallId = "call-1", Delta = "{}" };
        yield return new ToolCallEndEvent { ToolCallId = "call-1" };
        await Task.Yield();
        yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
    }

    [Fact]
    public async Task A_message_whose_run_was_dropped_from_history_is_new_again()
    {
        var runner = await CreateRunnerAsync(new RunnerLimits(MaxRunsPerThread: 1));
        var thread = NewThread();
        await RunToEndAsync(runner, TestAgents.Request(thread, "r1", TestAgents.Fixed(), Message.User("u1", "hi")));
        var second = await RunToEndAsync(runner, TestAgents.Request(thread, "r2", TestAgents.Fixed(), Message.User("u1", "hi"), Message.User("u2", "again")));

        // r2 dropped r1 from the thread: u1 is no longer in its history, u2 still is
        var third = await RunToEndAsync(runner, TestAgents.Request(thread, "r3", TestAgents.Fixed(),
            Message.User("u1", "hi"), Message.User("u2", "again"), Message.User("u3", "more")));

        Assert.Equal(["u2"], Assert.IsType<RunStartedEvent>(second[0].Event).Input!.Messages.Select(m => m.Id));
        Assert.Equal(["u1", "u3"], Assert.IsType<RunStartedEvent>(third[0].Event).Input!.Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task Connect_to_an_unknown_thread_is_empty()
    {
        Assert.Empty(await ConnectAllAsync(Runner, NewThread()));
    }

    [Fact]
    public async Task Connect_replays_each_finished_run_compacted()
    {
        var thread = NewThread();
        var run1 = await RunToEndAsync(Runner, TestAgents.Request(thread, "r1", TestAgents.Fixed(), Message.User("u1", "hi")));
        var run2 = await RunToEndAsync(Runner, TestAgents.Request(thread, "r2", TestAgents.Fixed(), Message.User("u1", "hi"), Message.User("u2", "more")));

        var replay = await ConnectAllAsync(Runner, thread);

        var expected = EventCompactor.Compact(run1.Select(e => e.Event)).Json().Concat(EventCompactor.Compact(run2.Select(e => e.Event)).Json());
        Assert.Equal(expected, replay.Json());
        Assert.Equal(2, replay.Count(e => e.Event is RunStartedEvent));
        Assert.Single(replay, e => e.Event is TextMessageContentEvent { MessageId: "r1-text", Delta: "Hello world" });
    }

    [Fact]
    public async Task Replayed_history_carries_its_stored_wire_json_byte_identical_to_serializing_each_event()
    {
        var thread = NewThread();
        var run1 = await RunToEndAsync(Runner, TestAgents.Request(thread, "r1", TestAgents.Fixed(), Message.User("u1", "héllo <b>\"&'</b> \u2028 😀\n")));
        await RunToEndAsync(Runner, TestAgents.Request(thread, "r2", TestAgents.Fixed(), Message.User("u2", "again")));

        var replay = await ConnectAllAsync(Runner, thread);

        // A live stream may carry JSON too (the Redis runner serializes once for its stream): the same bytes.
        Assert.All(run1.Where(e => !e.Json.IsEmpty), e => Assert.Equal(AgUiEventWriter.ToUtf8Bytes(e.Event), e.Json.ToArray()));

        Assert.Equal(2, replay.Count(e => e.Event is RunStartedEvent));
        Assert.All(replay, e =>
        {
            Assert.False(e.Json.IsEmpty, $"{e.Event.GetType().Name} was replayed without its stored JSON");
            Assert.Equal(AgUiEventWriter.ToUtf8Bytes(e.Event), e.Json.ToArray());
        });
    }

    [Fact]
    public async Task Connect_during_a_run_replays_history_then_the_active_run_from_its_start_live_until_it_ends()
    {
        var thread = NewThread();
        var run1 = await RunToEndAsync(Runner, TestAgents.Request(thread, "r1", TestAgents.Fixed()));
        var agent = new GatedAgent(3);
        await using var run = Open(await Runner.RunAsync(TestAgents.Request(thread, "r2", agent), Ct));
        var runEvents = await run.ReadUntilAsync(e => e is TextMessageStartEvent);
        agent.Release();
        runEvents.AddRange(await run.ReadUntilAsync(e => e is TextMessageContentEvent));

        await using var connect = Open(await Runner.ConnectAsync(new AgentConnectRequest(thread, "test", new Dictionary<string, string>()), Ct));
        var connected = await connect.ReadUntilAsync(e => e is TextMessageContentEvent);
        agent.Release(2);
        connected.AddRange(await connect.ReadToEndAsync());
        runEvents.AddRange(await run.ReadToEndAsync());

        var history = EventCompactor.Compact(run1.Select(e => e.Event)).Json();
        Assert.Equal(history.Concat(runEvents.Json()), connected.Json());
    }

    [Fact]
    public async Task Concurrent_connects_during_a_run_see_identical_sequences()
    {
        var thread = NewThread();
        var agent = new GatedAgent(4);
        await using var run = Open(await Runner.RunAsync(TestAgents.Request(thread, "r1", agent), Ct));
        await run.ReadUntilAsync(e => e is TextMessageStartEvent);

        var connects = new List<IAsyncEnumerator<RunnerEvent>>();
        var results = new List<List<RunnerEvent>>();
        for (var i = 0; i < 3; i++)
        {
            var connect = Open(await Runner.ConnectAsync(new AgentConnectRequest(thread, "test", new Dictionary<string, string>()), Ct));
            connects.Add(connect);
            results.Add(await connect.ReadUntilAsync(e => e is TextMessageStartEvent));
            agent.Release();
        }
        agent.Release();
        await run.ReadToEndAsync();
        for (var i = 0; i < 3; i++)
        {
            results[i].AddRange(await connects[i].ReadToEndAsync());
            await connects[i].DisposeAsync();
        }

        foreach (var result in results)
        {
            Assert.Equal(8, result.Count);
            Assert.Equal(results[0].Json(), result.Json());
            Assert.Equal(results[0].Select(e => e.Id), result.Select(e => e.Id));
        }
    }

    [Fact]
    public async Task Stop_reports_not_running_not_active_run_and_stopped()
    {
        var thread = NewThread();
        Assert.Equal(StopOutcome.NotRunning, (await Runner.StopAsync(thread, null, Ct)).Outcome);

        await using var run = Open(await Runner.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Hanging()), Ct));
        await run.ReadUntilAsync(e => e is ToolCallArgsEvent);
        Assert.True(await Runner.IsRunningAsync(thread, Ct));

        Assert.Equal(StopOutcome.NotActiveRun, (await Runner.StopAsync(thread, "other-run", Ct)).Outcome);
        Assert.True(await Runner.IsRunningAsync(thread, Ct));
        Assert.Equal(StopOutcome.Stopped, (await Runner.StopAsync(thread, "r1", Ct)).Outcome);
        Assert.False(await Runner.IsRunningAsync(thread, Ct));
        Assert.Equal(StopOutcome.NotRunning, (await Runner.StopAsync(thread, null, Ct)).Outcome);
        await run.ReadToEndAsync();
        Assert.Equal(StopOutcome.NotRunning, (await Runner.StopAsync(thread, null, Ct)).Outcome);
    }

    [Fact]
    public async Task Stop_closes_the_open_text_and_tool_call_and_finishes_the_run()
    {
        var thread = NewThread();
        await using var run = Open(await Runner.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Hanging()), Ct));
        var head = await run.ReadUntilAsync(e => e is ToolCallArgsEvent);

        Assert.True((await Runner.StopAsync(thread, null, Ct)).Stopped);
        var tail = await run.ReadToEndAsync();

        Assert.Equal(
            [
                """{"type":"TEXT_MESSAGE_END","messageId":"r1-text"}""",
                """{"type":"TOOL_CALL_END","toolCallId":"r1-tool"}""",
                """{"type":"TOOL_CALL_RESULT","toolCallId":"r1-tool","messageId":"r1-tool-result","role":"tool","content":"{\"status\":\"stopped\",\"reason\":\"stop_requested\",\"message\":\"Run stopped by user\"}"}""",
                $$"""{"type":"RUN_FINISHED","threadId":"{{thread}}","runId":"r1"}""",
            ],
            tail.Json());
        Assert.Equal(5, head.Count);
    }

    [Fact]
    public async Task A_new_run_after_a_stop_works_and_connect_replays_both()
    {
        var thread = NewThread();
        var stopped = Open(await Runner.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Hanging()), Ct));
        await using (stopped)
        {
            await stopped.ReadUntilAsync(e => e is ToolCallArgsEvent);
            await Runner.StopAsync(thread, null, Ct);
            await stopped.ReadToEndAsync();
        }

        var run2 = await RunToEndAsync(Runner, TestAgents.Request(thread, "r2", TestAgents.Fixed()));
        Assert.Equal(13, run2.Count);

        var replay = await ConnectAllAsync(Runner, thread);
        Assert.Equal(["r1", "r2"], replay.Select(e => e.Event).OfType<RunStartedEvent>().Select(s => s.RunId));
        Assert.IsType<RunFinishedEvent>(replay[^1].Event);
        Assert.Equal(2, replay.Count(e => e.Event is RunFinishedEvent));
    }

    [Fact]
    public async Task A_run_survives_its_subscriber_going_away()
    {
        var thread = NewThread();
        var agent = new GatedAgent(3);
        await using (var run = Open(await Runner.RunAsync(TestAgents.Request(thread, "r1", agent), Ct)))
        {
            await run.ReadUntilAsync(e => e is TextMessageStartEvent);
        }
        agent.Release(3);

        var live = await ConnectAllAsync(Runner, thread);
        Assert.Equal(new RunFinishedEvent { ThreadId = thread, RunId = "r1" }, live[^1].Event);
        var stored = await ConnectAllAsync(Runner, thread);
        Assert.Single(stored, e => e.Event is TextMessageContentEvent { Delta: "t0 t1 t2" });
        Assert.Equal(new RunFinishedEvent { ThreadId = thread, RunId = "r1" }, stored[^1].Event);
    }

    [Fact]
    public async Task An_agent_that_throws_before_any_event_gives_one_RUN_ERROR_and_stores_nothing()
    {
        var thread = NewThread();
        var events = await RunToEndAsync(Runner, TestAgents.Request(thread, "r1", TestAgents.Throwing()));

        Assert.Equal(["""{"type":"RUN_ERROR","message":"HTTP 401: Unauthorized","code":"INCOMPLETE_STREAM"}"""], events.Json());
        Assert.Empty(await ConnectAllAsync(Runner, thread));
        Assert.Equal(13, (await RunToEndAsync(Runner, TestAgents.Request(thread, "r2", TestAgents.Fixed()))).Count);
    }

    [Fact]
    public async Task A_run_over_the_events_cap_ends_with_a_RUN_ERROR_saying_so()
    {
        var runner = await CreateRunnerAsync(new RunnerLimits(MaxEventsPerRun: 20));
        var thread = NewThread();
        var events = await RunToEndAsync(runner, TestAgents.Request(thread, "r1", TestAgents.Flood(1000)));

        var error = Assert.IsType<RunErrorEvent>(events[^1].Event);
        Assert.Equal(EventLimitCode, error.Code);
        Assert.Contains("20 events", error.Message, StringComparison.Ordinal);
        Assert.InRange(events.Count, 20, 22);
        var replay = await ConnectAllAsync(runner, thread);
        Assert.Equal(error, replay[^1].Event);
    }

    [Fact]
    public async Task Runs_past_the_per_thread_cap_drop_the_oldest()
    {
        var runner = await CreateRunnerAsync(new RunnerLimits(MaxRunsPerThread: 2));
        var thread = NewThread();
        foreach (var runId in new[] { "r1", "r2", "r3" })
        {
            await RunToEndAsync(runner, TestAgents.Request(thread, runId, TestAgents.Fixed()));
        }

        var replay = await ConnectAllAsync(runner, thread);
        Assert.Equal(["r2", "r3"], replay.Select(e => e.Event).OfType<RunStartedEvent>().Select(s => s.RunId));
    }
}
