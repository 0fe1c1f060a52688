using System.Diagnostics;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Agents.BuiltIn;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Tests.Fakes;
using static CopilotAspire.Tests.Agents.BuiltInAgentHarness;

namespace CopilotAspire.Tests.Agents;

/// <summary>Each provider's request shape, as recorded by the fake server, and its stream mapped to AG-UI.</summary>
[Kind(TestKind.Fast)]
public sealed class BuiltInAgentProviderTests : FakeOpenAiServerTest
{
    [Fact]
    public async Task OpenAi_posts_chat_completions_to_OPENAI_BASE_URL_with_a_bearer_key()
    {
        Server.Enqueue(Reply.Text("Hi"));

        await RunAsync(Agent(Server, o => o.Prompt = "Be brief."), Input());

        var request = Assert.Single(Server.Requests);
        Assert.Equal(("POST", "/v1/chat/completions"), (request.Method, request.Path));
        Assert.Equal($"Bearer {Key}", request.Header("Authorization"));
        Assert.Equal("gpt-4o", request.Model);
        Assert.True(request.Json!.Value.GetProperty("stream").GetBoolean());
        Assert.True(request.Json!.Value.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal(["AGUISendStateSnapshot", "AGUISendStateDelta"], ToolNames(request));
    }

    [Fact]
    public async Task Model_string_keeps_colons_after_the_provider()
    {
        Server.Enqueue(Reply.Text("Hi"));

        await RunAsync(Agent(Server, model: "OpenAI/ft:gpt-4o:org"), Input());

        Assert.Equal("ft:gpt-4o:org", Assert.Single(Server.Requests).Model);
    }

    [Fact]
    public async Task Anthropic_posts_messages_with_x_api_key_and_maps_text_tools_and_usage()
    {
        Server.Enqueue(Reply.Text("Let me", " check").ThenToolCall("toolu_1", "changeColor", "{\"c\":", "\"red\"}").WithUsage(21, 8));

        var events = await RunAsync(
            Agent(Server, o => { o.Prompt = "Be brief."; o.MaxOutputTokens = 321; }, "anthropic/claude-sonnet-4-5"),
            Input(tools: [FrontendTool("changeColor")]));

        var request = Assert.Single(Server.Requests);
        Assert.Equal(("POST", "/v1/messages"), (request.Method, request.Path));
        Assert.Equal(Key, request.Header("x-api-key"));
        Assert.NotNull(request.Header("anthropic-version"));
        Assert.Null(request.Header("Authorization"));
        var body = request.Json!.Value;
        Assert.Equal("claude-sonnet-4-5", request.Model);
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.Equal(321, body.GetProperty("max_tokens").GetInt32());
        Assert.Contains("Be brief.", body.GetProperty("system").ToString(), StringComparison.Ordinal);
        Assert.Equal(["changeColor", "AGUISendStateSnapshot", "AGUISendStateDelta"], ToolNames(request));

        Assert.Equal(
            ["RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END",
             "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_END", "RUN_FINISHED"],
            Types(events));
        Assert.Equal(["Let me", " check"], events.OfType<TextMessageContentEvent>().Select(c => c.Delta));
        var call = Assert.IsType<ToolCallStartEvent>(events[5]);
        Assert.Equal(("toolu_1", "changeColor", events.OfType<TextMessageStartEvent>().Single().MessageId), (call.ToolCallId, call.ToolCallName, call.ParentMessageId));
        Assert.Equal("""{"c":"red"}""", Assert.IsType<ToolCallArgsEvent>(events[6]).Delta);
        var finished = Assert.IsType<RunFinishedEvent>(events[^1]);
        Assert.Equal("tool-calls", finished.FinishReason);
        Assert.Equal(
            new TokenUsage { Provider = "anthropic", Model = "claude-sonnet-4-5", InputTokens = 21, OutputTokens = 8, TotalTokens = 29 },
            Assert.Single(finished.Usage!));
    }

    [Fact]
    public async Task Anthropic_thinking_streams_as_reasoning_events_closed_before_the_text()
    {
        Server.Enqueue(Reply.Create().ThenReasoning("Think", "ing").ThenText("Answer"));

        var events = await RunAsync(Agent(Server, model: "anthropic/claude-sonnet-4-5"), Input());

        Assert.Equal(
            ["RUN_STARTED", "REASONING_START", "REASONING_MESSAGE_START", "REASONING_MESSAGE_CONTENT", "REASONING_MESSAGE_CONTENT",
             "REASONING_MESSAGE_END", "REASONING_END", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED"],
            Types(events));
        var start = Assert.IsType<ReasoningMessageStartEvent>(events[2]);
        Assert.Equal("reasoning", start.Role);
        Assert.Equal(["Think", "ing"], events.OfType<ReasoningMessageContentEvent>().Select(c => c.Delta));
        Assert.Equal("stop", Assert.IsType<RunFinishedEvent>(events[^1]).FinishReason);
    }

    [Fact]
    public async Task Anthropic_error_body_message_becomes_run_error()
    {
        Server.Enqueue(Reply.Error(529, "Overloaded", "overloaded_error"));

        var events = await RunAsync(Agent(Server, model: "anthropic/claude-sonnet-4-5"), Input());

        Assert.Equal(["RUN_STARTED", "RUN_ERROR"], Types(events));
        Assert.Equal("Overloaded", Assert.IsType<RunErrorEvent>(events[^1]).Message);
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task Google_uses_the_gemini_openai_compatible_endpoint_and_accepts_GOOGLE_API_KEY()
    {
        Server.Enqueue(Reply.Text("Hi"));
        var env = Environment(Server, ("GOOGLE_GENERATIVE_AI_API_KEY", null), ("GOOGLE_API_KEY", "google-key"));
        var agent = new BuiltInAgent(new BuiltInAgentOptions { Model = "gemini/gemini-2.5-flash" }, env);

        var events = await RunAsync(agent, Input());

        var request = Assert.Single(Server.Requests);
        Assert.Equal("/v1beta/openai/chat/completions", request.Path);
        Assert.Equal("Bearer google-key", request.Header("Authorization"));
        Assert.Equal("gemini-2.5-flash", request.Model);
        Assert.Equal("google", Assert.Single(Assert.IsType<RunFinishedEvent>(events[^1]).Usage!).Provider);
    }

    [Fact]
    public async Task Model_calls_are_gen_ai_spans_on_the_exposed_source()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == BuiltInAgentTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        Server.Enqueue(Reply.Text("Hi"));

        await RunAsync(Agent(Server, model: "openai/telemetry-probe-model"), Input());

        lock (spans)
        {
            Assert.Contains(spans, s => (s.GetTagItem("gen_ai.request.model") as string) == "telemetry-probe-model");
        }
    }
}
