using System.Text.Json;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Agents.BuiltIn;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Tests.Fakes;
using Microsoft.Extensions.AI;
using static CopilotAspire.Tests.Agents.BuiltInAgentHarness;

namespace CopilotAspire.Tests.Agents;

/// <summary>The event mapping of wire spec §10.4, against the fake OpenAI server.</summary>
[Kind(TestKind.Fast)]
public sealed class BuiltInAgentTests : FakeOpenAiServerTest
{
    [Fact]
    public async Task Text_deltas_become_one_content_each_inside_start_and_end_then_run_finished_with_reason_and_usage()
    {
        Server.Enqueue(Reply.Text("Hel", "lo", " world").WithUsage(12, 3));

        var events = await RunAsync(Agent(Server), Input());

        Assert.Equal(
            ["RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED"],
            Types(events));
        Assert.Equal("""{"type":"RUN_STARTED","threadId":"t1","runId":"r1"}""", Json(events[0]));
        var start = Assert.IsType<TextMessageStartEvent>(events[1]);
        Assert.Equal("assistant", start.Role);
        Assert.True(Guid.TryParse(start.MessageId, out _));
        Assert.Equal(["Hel", "lo", " world"], events.OfType<TextMessageContentEvent>().Select(c => c.Delta));
        Assert.All(events.OfType<TextMessageContentEvent>(), c => Assert.Equal(start.MessageId, c.MessageId));
        Assert.Equal(
            """{"type":"RUN_FINISHED","threadId":"t1","runId":"r1","finishReason":"stop","usage":[{"provider":"openai","model":"gpt-4o","inputTokens":12,"outputTokens":3,"totalTokens":15}]}""",
            Json(events[^1]));
    }

    [Fact]
    public async Task Frontend_tool_call_streams_start_args_end_under_the_text_message_and_ends_the_run_without_a_result()
    {
        Server.Enqueue(Reply.Text("Let me").ThenToolCall("call_1", "changeColor", "{\"c\":", "\"red\"}"));

        var events = await RunAsync(Agent(Server, o => o.MaxSteps = 5), Input(tools: [FrontendTool("changeColor")]));

        Assert.Equal(
            ["RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_ARGS", "TOOL_CALL_END", "RUN_FINISHED"],
            Types(events));
        var text = Assert.IsType<TextMessageStartEvent>(events[1]);
        Assert.Equal(
            $$"""{"type":"TOOL_CALL_START","toolCallId":"call_1","toolCallName":"changeColor","parentMessageId":"{{text.MessageId}}"}""",
            Json(events[4]));
        Assert.Equal(["{\"c\":", "\"red\"}"], events.OfType<ToolCallArgsEvent>().Select(a => a.Delta));
        Assert.Equal("tool-calls", Assert.IsType<RunFinishedEvent>(events[^1]).FinishReason);

        var request = Assert.Single(Server.Requests);
        Assert.Equal(["changeColor", "AGUISendStateSnapshot", "AGUISendStateDelta"], ToolNames(request));
        var declared = request.Json!.Value.GetProperty("tools")[0].GetProperty("function");
        Assert.Equal("changeColor (runs in the browser)", declared.GetProperty("description").GetString());
        Assert.Equal("string", declared.GetProperty("parameters").GetProperty("properties").GetProperty("c").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Tool_only_turn_points_the_tool_call_at_an_assistant_message_that_is_never_started()
    {
        Server.Enqueue(Reply.ToolCall("call_9", "changeColor", "{\"c\":\"blue\"}"));

        var events = await RunAsync(Agent(Server), Input(tools: [FrontendTool("changeColor")]));

        Assert.Equal(["RUN_STARTED", "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_END", "RUN_FINISHED"], Types(events));
        var start = Assert.IsType<ToolCallStartEvent>(events[1]);
        Assert.True(Guid.TryParse(start.ParentMessageId, out _));
    }

    [Fact]
    public async Task Server_tool_runs_on_the_server_and_the_next_step_answers_with_max_steps()
    {
        var weather = AIFunctionFactory.Create((string city) => new WeatherReport(20, city), "get_weather", "Gets the weather");
        Server.Enqueue(
            Reply.ToolCall("call_1", "get_weather", "{\"city\":", "\"Paris\"}").WithUsage(10, 4),
            Reply.Text("It is ", "20 degrees").WithUsage(30, 6));

        var events = await RunAsync(Agent(Server, o => { o.MaxSteps = 3; o.Tools = [weather]; }), Input());

        Assert.Equal(
            ["RUN_STARTED", "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_ARGS", "TOOL_CALL_END", "TOOL_CALL_RESULT",
             "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED"],
            Types(events));
        var result = Assert.IsType<ToolCallResultEvent>(events[5]);
        Assert.Equal("call_1", result.ToolCallId);
        Assert.Equal("tool", result.Role);
        Assert.Equal("""{"temp":20,"city":"Paris"}""", result.Content);
        Assert.True(Guid.TryParse(result.MessageId, out _));
        var finished = Assert.IsType<RunFinishedEvent>(events[^1]);
        Assert.Equal("stop", finished.FinishReason);
        var usage = Assert.Single(finished.Usage!);
        Assert.Equal((40L, 10L, 50L), (usage.InputTokens!.Value, usage.OutputTokens!.Value, usage.TotalTokens!.Value));

        Assert.Equal(2, Server.Requests.Count);
        var second = Messages(Server.Requests[1]);
        var assistant = second.EnumerateArray().Single(m => m.GetProperty("role").GetString() == "assistant");
        Assert.Equal("call_1", assistant.GetProperty("tool_calls")[0].GetProperty("id").GetString());
        var tool = second.EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal("call_1", tool.GetProperty("tool_call_id").GetString());
        Assert.Contains("Paris", tool.GetProperty("content").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_tool_with_the_default_single_step_emits_its_result_and_does_not_call_the_model_again()
    {
        var weather = AIFunctionFactory.Create((string city) => "Sunny in " + city, "get_weather", "Gets the weather");
        Server.Enqueue(Reply.ToolCall("call_1", "get_weather", "{\"city\":\"Oslo\"}"));

        var events = await RunAsync(Agent(Server, o => o.Tools = [weather]), Input());

        Assert.Equal(["RUN_STARTED", "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_END", "TOOL_CALL_RESULT", "RUN_FINISHED"], Types(events));
        Assert.Equal("\"Sunny in Oslo\"", Assert.IsType<ToolCallResultEvent>(events[4]).Content);
        Assert.Equal("tool-calls", Assert.IsType<RunFinishedEvent>(events[^1]).FinishReason);
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task Mixed_client_and_server_calls_in_one_response_run_the_server_tool_and_end_for_the_client_tool()
    {
        var invoked = 0;
        var lookup = AIFunctionFactory.Create((string q) => { invoked++; return "found " + q; }, "lookup", "Looks something up");
        Server.Enqueue(Reply.Create()
            .ThenToolCall("call_s", "lookup", "{\"q\":\"x\"}")
            .ThenToolCall("call_c", "changeColor", "{\"c\":\"red\"}"));

        var events = await RunAsync(Agent(Server, o => { o.MaxSteps = 5; o.Tools = [lookup]; }), Input(tools: [FrontendTool("changeColor")]));

        Assert.Equal(1, invoked);
        Assert.Equal(
            ["RUN_STARTED", "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_END", "TOOL_CALL_END", "TOOL_CALL_RESULT", "RUN_FINISHED"],
            Types(events));
        var result = Assert.Single(events.OfType<ToolCallResultEvent>());
        Assert.Equal("call_s", result.ToolCallId);
        Assert.Equal("\"found x\"", result.Content);
        Assert.Equal("tool-calls", Assert.IsType<RunFinishedEvent>(events[^1]).FinishReason);
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task A_tool_call_id_reused_by_a_later_step_is_announced_under_an_id_unique_in_the_run()
    {
        var lookup = AIFunctionFactory.Create((string q) => "found " + q, "lookup", "Looks something up");
        Server.Enqueue(
            Reply.ToolCall("call_0", "lookup", "{\"q\":\"x\"}"),
            Reply.ToolCall("call_0", "changeColor", "{\"c\":\"red\"}"));

        var events = await RunAsync(Agent(Server, o => { o.MaxSteps = 3; o.Tools = [lookup]; }), Input(tools: [FrontendTool("changeColor")]));

        Assert.Equal(
            ["RUN_STARTED", "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_END", "TOOL_CALL_RESULT",
                "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_END", "RUN_FINISHED"],
            Types(events));
        Assert.Equal([("call_0", "lookup"), ("call_0-2", "changeColor")],
            events.OfType<ToolCallStartEvent>().Select(s => (s.ToolCallId, s.ToolCallName)));
        Assert.Equal(["call_0", "call_0-2"], events.OfType<ToolCallEndEvent>().Select(e => e.ToolCallId));
        Assert.Equal("call_0", Assert.Single(events.OfType<ToolCallResultEvent>()).ToolCallId);
        var args = Assert.IsType<ToolCallArgsEvent>(events[6]);
        Assert.Equal(("call_0-2", "{\"c\":\"red\"}"), (args.ToolCallId, args.Delta));
        // Within the run the model's history keeps the provider's own ids.
        var tool = Messages(Server.Requests[1]).EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal("call_0", tool.GetProperty("tool_call_id").GetString());
        Assert.Equal(2, Server.Requests.Count);
    }

    [Fact]
    public async Task Max_steps_bounds_the_number_of_model_calls()
    {
        var ping = AIFunctionFactory.Create(() => "pong", "ping", "Pings");
        Server.Enqueue(
            Reply.ToolCall("c1", "ping", "{}"),
            Reply.ToolCall("c2", "ping", "{}"),
            Reply.ToolCall("c3", "ping", "{}"));

        var events = await RunAsync(Agent(Server, o => { o.MaxSteps = 2; o.Tools = [ping]; }), Input());

        Assert.Equal(2, Server.Requests.Count);
        Assert.Equal(["c1", "c2"], events.OfType<ToolCallResultEvent>().Select(r => r.ToolCallId));
        Assert.Equal("tool-calls", Assert.IsType<RunFinishedEvent>(events[^1]).FinishReason);
    }

    [Fact]
    public async Task A_failing_server_tool_reports_the_error_to_the_model_and_emits_no_result()
    {
        var broken = AIFunctionFactory.Create(string () => throw new InvalidOperationException("tool exploded"), "broken", "Fails");
        Server.Enqueue(Reply.ToolCall("c1", "broken", "{}"), Reply.Text("Sorry"));

        var events = await RunAsync(Agent(Server, o => { o.MaxSteps = 2; o.Tools = [broken]; }), Input());

        Assert.DoesNotContain(events, e => e is ToolCallResultEvent);
        Assert.Equal("Sorry", Assert.Single(events.OfType<TextMessageContentEvent>()).Delta);
        var tool = Messages(Server.Requests[1]).EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Contains("tool exploded", tool.GetProperty("content").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task State_snapshot_tool_emits_state_snapshot_then_its_result()
    {
        Server.Enqueue(Reply.ToolCall("s1", "AGUISendStateSnapshot", "{\"snapshot\":{\"color\":\"red\"}}"));

        var events = await RunAsync(Agent(Server), Input(state: """{"color":"blue"}"""));

        Assert.Equal(["RUN_STARTED", "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_END", "STATE_SNAPSHOT", "TOOL_CALL_RESULT", "RUN_FINISHED"], Types(events));
        Assert.Equal("""{"type":"STATE_SNAPSHOT","snapshot":{"color":"red"}}""", Json(events[4]));
        Assert.Equal("""{"success":true,"snapshot":{"color":"red"}}""", Assert.IsType<ToolCallResultEvent>(events[5]).Content);
    }

    [Fact]
    public async Task State_delta_tool_emits_the_input_state_first_then_the_normalized_patch()
    {
        Server.Enqueue(Reply.ToolCall("d1", "AGUISendStateDelta",
            """{"delta":[{"op":"replace","path":"/color","value":"green"},{"op":"remove","path":"/size","value":1}]}"""));

        var events = await RunAsync(Agent(Server), Input(state: """{"color":"blue","size":2}"""));

        Assert.Equal(["RUN_STARTED", "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_END", "STATE_SNAPSHOT", "STATE_DELTA", "TOOL_CALL_RESULT", "RUN_FINISHED"], Types(events));
        Assert.Equal("""{"type":"STATE_SNAPSHOT","snapshot":{"color":"blue","size":2}}""", Json(events[4]));
        Assert.Equal("""{"type":"STATE_DELTA","delta":[{"op":"replace","path":"/color","value":"green"},{"op":"remove","path":"/size"}]}""", Json(events[5]));
        Assert.Equal("""{"success":true,"delta":[{"op":"replace","path":"/color","value":"green"},{"op":"remove","path":"/size"}]}""",
            Assert.IsType<ToolCallResultEvent>(events[6]).Content);
    }

    [Fact]
    public async Task Length_finish_reason_is_reported_in_ai_sdk_words()
    {
        Server.Enqueue(Reply.Text("Trunc").WithFinishReason("length"));

        var events = await RunAsync(Agent(Server), Input());

        Assert.Equal("length", Assert.IsType<RunFinishedEvent>(events[^1]).FinishReason);
    }

    [Fact]
    public async Task Each_step_of_text_gets_its_own_message_id()
    {
        var ping = AIFunctionFactory.Create(() => "pong", "ping", "Pings");
        Server.Enqueue(Reply.Text("First").ThenToolCall("c1", "ping", "{}"), Reply.Text("Second"));

        var events = await RunAsync(Agent(Server, o => { o.MaxSteps = 2; o.Tools = [ping]; }), Input());

        var starts = events.OfType<TextMessageStartEvent>().ToList();
        Assert.Equal(2, starts.Count);
        Assert.NotEqual(starts[0].MessageId, starts[1].MessageId);
        Assert.Equal(starts[0].MessageId, Assert.Single(events.OfType<ToolCallStartEvent>()).ParentMessageId);
    }

    [Fact]
    public async Task A_supplied_chat_client_is_used_as_is_and_reported_in_usage()
    {
        Server.Enqueue(Reply.Text("Hi from DI"));
        var client = new OpenAI.Chat.ChatClient("gpt-4o-mini", new System.ClientModel.ApiKeyCredential("k"),
            new OpenAI.OpenAIClientOptions { Endpoint = new Uri(Server.OpenAiBaseUrl) }).AsIChatClient();
        var agent = new BuiltInAgent(new BuiltInAgentOptions { ChatClient = client }, ProviderEnvironment.FromValues(new Dictionary<string, string?>()));

        var events = await RunAsync(agent, Input());

        Assert.Equal("Hi from DI", Assert.Single(events.OfType<TextMessageContentEvent>()).Delta);
        var usage = Assert.Single(Assert.IsType<RunFinishedEvent>(events[^1]).Usage!);
        Assert.Equal(("openai", "gpt-4o-mini"), (usage.Provider, usage.Model));
        Assert.Equal("gpt-4o-mini", Assert.Single(Server.Requests).Model);
    }

    private sealed record WeatherReport(int Temp, string City);
}
