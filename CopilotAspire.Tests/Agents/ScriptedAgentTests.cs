using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace CopilotAspire.Tests.Agents;

/// <summary>The scripted agent, exactly as <c>docs/spec/scripted-agent.md</c> §1.2 says, run through the real pipeline.</summary>
[Kind(TestKind.Fast)]
public sealed class ScriptedAgentTests
{
    private static RunAgentInput Input(string text, string runId = "R") => new()
    {
        ThreadId = "T",
        RunId = runId,
        Messages = [Message.User("u1", "earlier"), Message.Assistant("a1", "ok"), Message.User("u2", text)],
        Tools = [new Tool { Name = "tool_a", Description = "d" }],
        Context = [new Context { Description = "c", Value = "v" }],
        State = AgUiJson.Parse("""{"s":1}"""),
    };

    private static async Task<List<AgUiEvent>> RunAsync(AbstractAgent agent, RunAgentInput input, Func<AgUiEvent, AgentRunExecution, bool>? onEvent = null)
    {
        var events = new List<AgUiEvent>();
        using var execution = new AgentRunExecution(agent, input, NullLogger.Instance);
        await execution.ExecuteAsync(e =>
        {
            events.Add(e);
            onEvent?.Invoke(e, execution);
            return ValueTask.CompletedTask;
        });
        return events;
    }

    [Fact]
    public async Task Default_script_is_the_sixteen_events_of_the_spec()
    {
        var agent = new ScriptedAgent().Clone();
        agent.Headers["Authorization"] = "Bearer x";
        agent.Headers["x-custom-value"] = "v";
        var events = await RunAsync(agent, Input("say \"hi\""));
        Assert.Equal(
        [
            """{"type":"RUN_STARTED","threadId":"T","runId":"R"}""",
            """{"type":"STATE_SNAPSHOT","snapshot":{"step":0,"status":"started"}}""",
            """{"type":"TEXT_MESSAGE_START","messageId":"R-text","role":"assistant"}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"R-text","delta":"Hello"}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"R-text","delta":" from"}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"R-text","delta":" scripted"}""",
            """{"type":"TEXT_MESSAGE_END","messageId":"R-text"}""",
            """{"type":"TOOL_CALL_START","toolCallId":"R-tool","toolCallName":"scripted_tool","parentMessageId":"R-text"}""",
            """{"type":"TOOL_CALL_ARGS","toolCallId":"R-tool","delta":"{\"echo\":"}""",
            """{"type":"TOOL_CALL_ARGS","toolCallId":"R-tool","delta":"\"say \\\"hi\\\"\"}"}""",
            """{"type":"TOOL_CALL_END","toolCallId":"R-tool"}""",
            """{"type":"TOOL_CALL_RESULT","toolCallId":"R-tool","messageId":"R-result","role":"tool","content":"{\"ok\":true}"}""",
            """{"type":"STATE_DELTA","delta":[{"op":"replace","path":"/step","value":1},{"op":"replace","path":"/status","value":"done"},{"op":"add","path":"/echo","value":"say \"hi\""}]}""",
            """{"type":"CUSTOM","name":"scripted.headers","value":{"authorization":"Bearer x","x-custom-value":"v"}}""",
            """{"type":"CUSTOM","name":"scripted.input","value":{"threadId":"T","runId":"R","messageIds":["u1","a1","u2"],"toolNames":["tool_a"],"contextCount":1,"state":{"s":1},"forwardedProps":null}}""",
            """{"type":"RUN_FINISHED","threadId":"T","runId":"R"}""",
        ], events.Select(AgUiJson.Serialize));
        var state = EventCompactor.Compact(events).OfType<StateSnapshotEvent>().Single();
        Assert.Equal("""{"step":1,"status":"done","echo":"say \"hi\""}""", state.Snapshot.GetRawText());
    }

    [Fact]
    public async Task Error_directive_emits_its_own_run_error()
    {
        var events = await RunAsync(new ScriptedAgent(), Input("error please"));
        Assert.Equal(["""{"type":"RUN_STARTED","threadId":"T","runId":"R"}""", """{"type":"RUN_ERROR","message":"Scripted error","code":"SCRIPTED_ERROR"}"""], events.Select(AgUiJson.Serialize));
    }

    [Fact]
    public async Task Throw_directive_becomes_incomplete_stream()
    {
        var events = await RunAsync(new ScriptedAgent(), Input("throw"));
        Assert.Equal("""{"type":"RUN_ERROR","message":"Scripted failure","code":"INCOMPLETE_STREAM"}""", AgUiJson.Serialize(events[^1]));
        Assert.Equal(2, events.Count);
    }

    [Fact]
    public async Task A_word_that_only_starts_like_a_directive_runs_the_default_script()
    {
        var events = await RunAsync(new ScriptedAgent(), Input("errorless"));
        Assert.Equal(16, events.Count);
    }

    [Fact]
    public async Task Tokens_directive_streams_n_tokens()
    {
        var events = await RunAsync(new ScriptedAgent(), Input("please tokens:5"));
        Assert.Equal(["RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED"], events.Select(e => e.Type));
        Assert.Equal("t0 t1 t2 t3 t4", string.Concat(events.OfType<TextMessageContentEvent>().Select(c => c.Delta)));
    }

    [Fact]
    public async Task Events_directive_builds_floor_of_e_minus_2_over_3_messages()
    {
        var events = await RunAsync(new ScriptedAgent(), Input("events:11"));
        Assert.Equal(11, events.Count);
        Assert.Equal(["R-m0", "R-m1", "R-m2"], events.OfType<TextMessageStartEvent>().Select(s => s.MessageId));
        Assert.Equal("m2", events.OfType<TextMessageContentEvent>().Last().Delta);
    }

    [Fact]
    public async Task Directives_over_their_limits_are_refused()
    {
        var events = await RunAsync(new ScriptedAgent(), Input("tokens:100001"));
        Assert.Equal("SCRIPTED_LIMIT", Assert.IsType<RunErrorEvent>(events[^1]).Code);
    }

    [Fact]
    public async Task Stop_mid_stream_closes_the_message_and_finishes_the_run()
    {
        var events = await RunAsync(new ScriptedAgent(), Input("tokens:100000 delay:1"), (e, run) =>
        {
            if (e is TextMessageContentEvent { Delta: " t2" })
            {
                run.RequestStop();
            }
            return true;
        });
        Assert.Equal(["TEXT_MESSAGE_END", "RUN_FINISHED"], events.TakeLast(2).Select(e => e.Type));
        Assert.Equal("""{"type":"RUN_FINISHED","threadId":"T","runId":"R"}""", AgUiJson.Serialize(events[^1]));
        Assert.True(events.Count < 20);
    }

    [Fact]
    public void Clone_keeps_description_and_headers_but_is_a_new_instance()
    {
        var agent = new ScriptedAgent();
        agent.Headers["x-a"] = "1";
        var clone = agent.Clone();
        Assert.NotSame(agent, clone);
        Assert.Equal(agent.Description, clone.Description);
        clone.Headers["x-b"] = "2";
        Assert.False(agent.Headers.ContainsKey("x-b"));
    }
}
