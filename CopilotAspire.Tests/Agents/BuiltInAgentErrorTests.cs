using System.Collections.Concurrent;
using System.Diagnostics;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Agents.BuiltIn;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Tests.Fakes;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using static CopilotAspire.Tests.Agents.BuiltInAgentHarness;

namespace CopilotAspire.Tests.Agents;

/// <summary>Provider errors, missing keys, bad model strings and stop.</summary>
[Kind(TestKind.Fast)]
public sealed class BuiltInAgentErrorTests : FakeOpenAiServerTest
{
    [Fact]
    public async Task Provider_500_becomes_run_error_with_the_providers_message_and_no_retry()
    {
        Server.Enqueue(Reply.Error(500, "The server had an error while processing your request."));

        var events = await RunAsync(Agent(Server), Input("t-error", "r1"));

        Assert.Equal(["RUN_STARTED", "RUN_ERROR"], Types(events));
        Assert.Equal(
            """{"type":"RUN_ERROR","message":"The server had an error while processing your request.","threadId":"t-error","runId":"r1"}""",
            Json(events[1]));
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task Rate_limit_error_becomes_run_error()
    {
        Server.Enqueue(Reply.Error(429, "Rate limit reached", "rate_limit_error"));

        var events = await RunAsync(Agent(Server), Input());

        Assert.Equal(["RUN_STARTED", "RUN_ERROR"], Types(events));
        Assert.Equal("Rate limit reached", Assert.IsType<RunErrorEvent>(events[^1]).Message);
    }

    [Fact]
    public async Task Connection_lost_mid_stream_ends_the_open_message_with_run_error()
    {
        var ct = TestContext.Current.CancellationToken;
        var gate = new Gate();
        Server.Enqueue(Reply.Text("Hel").ThenHold(gate).ThenDisconnect());
        using var run = Start(Agent(Server), Input());

        await run.Seen<TextMessageContentEvent>().WaitAsync(ct);
        gate.Release();
        await run.Completion.WaitAsync(ct);
        var events = run.Events;

        Assert.Equal(["RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_ERROR"], Types(events));
        var error = Assert.IsType<RunErrorEvent>(events[^1]);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Equal(("t1", "r1"), (error.ThreadId, error.RunId));
    }

    [Fact]
    public async Task The_api_key_never_appears_in_the_error_message()
    {
        Server.Enqueue(Reply.Error(401, $"Incorrect API key provided: {Key}.", "invalid_request_error", "invalid_api_key"));

        var events = await RunAsync(Agent(Server), Input());

        var error = Assert.IsType<RunErrorEvent>(events[^1]);
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
        Assert.Equal("Incorrect API key provided: ***.", error.Message);
    }

    [Theory]
    [InlineData("openai/gpt-4o")]
    [InlineData("anthropic/claude-sonnet-4-5")]
    [InlineData("google/gemini-2.5-flash")]
    public async Task The_api_key_echoed_by_a_provider_error_reaches_neither_the_logs_nor_the_spans(string model)
    {
        Server.Enqueue(Reply.Error(401, $"Incorrect API key provided: {Key}.", "invalid_request_error", "invalid_api_key"));
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        using var testSource = new ActivitySource($"{nameof(BuiltInAgentErrorTests)}-{Guid.NewGuid()}");
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == testSource || s.Name == BuiltInAgentTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var agent = new BuiltInAgent(new BuiltInAgentOptions { Model = model }, Environment(Server), loggerFactory);

        List<AgUiEvent> events;
        ActivityTraceId trace;
        using (var parent = testSource.StartActivity("test")!)
        {
            trace = parent.TraceId;
            events = await RunAsync(agent, Input());
        }

        // The client still gets the provider's own (redacted) message.
        Assert.Equal("Incorrect API key provided: ***.", Assert.IsType<RunErrorEvent>(events[^1]).Message);
        // The failure was logged by Microsoft.Extensions.AI's logging client and recorded on its span — without the key.
        Assert.Contains(logs.Lines, l => l.Contains("Incorrect API key provided: ***", StringComparison.Ordinal));
        var leakedLines = logs.Lines.Where(l => l.Contains(Key, StringComparison.Ordinal)).ToList();
        Assert.True(leakedLines.Count == 0, "the key was logged:\n" + string.Join("\n---\n", leakedLines));
        var chatSpans = spans.Where(a => a.TraceId == trace && a.Source.Name == BuiltInAgentTelemetry.SourceName).ToList();
        Assert.Contains(chatSpans, a => a.Status == ActivityStatusCode.Error);
        var recorded = string.Join("\n", chatSpans.SelectMany(a =>
            new[] { a.DisplayName, a.StatusDescription ?? "" }
                .Concat(a.TagObjects.Select(t => $"{t.Key}={t.Value}"))
                .Concat(a.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}.{t.Key}={t.Value}")))));
        Assert.DoesNotContain(Key, recorded, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openai/gpt-4o", "OpenAI API key is missing. Pass it using the 'apiKey' parameter or the OPENAI_API_KEY environment variable.")]
    [InlineData("anthropic/claude-sonnet-4-5", "Anthropic API key is missing. Pass it using the 'apiKey' parameter or the ANTHROPIC_API_KEY environment variable.")]
    [InlineData("google/gemini-2.5-flash", "Google Generative AI API key is missing. Pass it using the 'apiKey' parameter or the GOOGLE_GENERATIVE_AI_API_KEY environment variable.")]
    [InlineData("azure-openai/my-deployment", "Azure OpenAI endpoint is missing. Pass it using the 'baseUrl' parameter or the AZURE_OPENAI_ENDPOINT environment variable.")]
    public async Task Missing_key_does_not_fail_construction_and_becomes_run_error_naming_the_variable(string model, string message)
    {
        var env = ProviderEnvironment.FromValues(new Dictionary<string, string?> { ["AZURE_OPENAI_API_KEY"] = Key });
        var agent = new BuiltInAgent(new BuiltInAgentOptions { Model = model }, env);

        var events = await RunAsync(agent, Input("t1", "r1"));

        Assert.Equal(["RUN_STARTED", "RUN_ERROR"], Types(events));
        Assert.Equal($$"""{"type":"RUN_ERROR","message":"{{message}}","threadId":"t1","runId":"r1"}""", Json(events[1]));
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Api_key_and_base_url_options_override_the_environment()
    {
        Server.Enqueue(Reply.Text("ok"));
        var agent = new BuiltInAgent(
            new BuiltInAgentOptions { Model = "openai/gpt-4o", ApiKey = "option-key", BaseUrl = Server.OpenAiBaseUrl },
            ProviderEnvironment.FromValues(new Dictionary<string, string?> { ["OPENAI_BASE_URL"] = "http://127.0.0.1:1/v1" }));

        var events = await RunAsync(agent, Input());

        Assert.IsType<RunFinishedEvent>(events[^1]);
        Assert.Equal("Bearer option-key", Assert.Single(Server.Requests).Header("Authorization"));
    }

    [Theory]
    [InlineData("mistral/large", "Unknown provider \"mistral\" in \"mistral/large\". Supported: openai, anthropic, google (gemini), azure-openai.")]
    [InlineData("gpt-4o", "Invalid model string \"gpt-4o\". Use \"openai/gpt-5\", \"anthropic/claude-sonnet-4.5\", or \"google/gemini-2.5-pro\".")]
    [InlineData("openai/", "Invalid model string \"openai/\". Use \"openai/gpt-5\", \"anthropic/claude-sonnet-4.5\", or \"google/gemini-2.5-pro\".")]
    public void Unknown_provider_or_malformed_model_fails_at_construction(string model, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => new BuiltInAgent(new BuiltInAgentOptions { Model = model }, ProviderEnvironment.Process));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public async Task Stop_mid_stream_aborts_the_model_request_closes_the_message_and_finishes_the_run()
    {
        var ct = TestContext.Current.CancellationToken;
        var gate = new Gate();
        Server.Enqueue(Reply.Text("Hel").ThenHold(gate).ThenText("lo"));
        using var run = Start(Agent(Server), Input());

        await gate.Reached.WaitAsync(ct);
        await run.Seen<TextMessageContentEvent>().WaitAsync(ct);
        await run.StopAsync(ct);
        var events = run.Events;

        Assert.True(await Assert.Single(Server.Requests).Ended.WaitAsync(ct), "the upstream request was not aborted");
        Assert.Equal(["RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED"], Types(events));
        Assert.Equal("Hel", Assert.IsType<TextMessageContentEvent>(events[2]).Delta);
        Assert.Equal("""{"type":"RUN_FINISHED","threadId":"t1","runId":"r1"}""", Json(events[^1]));
        gate.Release();
    }

    [Fact]
    public async Task Stop_while_waiting_for_the_first_byte_finishes_the_run_cleanly()
    {
        var ct = TestContext.Current.CancellationToken;
        var gate = new Gate();
        Server.Enqueue(Reply.Create().ThenHold(gate).ThenText("late"));
        using var run = Start(Agent(Server), Input());

        await gate.Reached.WaitAsync(ct);
        await run.StopAsync(ct);
        var events = run.Events;

        Assert.True(await Assert.Single(Server.Requests).Ended.WaitAsync(ct));
        Assert.Equal(["RUN_STARTED", "RUN_FINISHED"], Types(events));
        Assert.Equal("""{"type":"RUN_FINISHED","threadId":"t1","runId":"r1"}""", Json(events[^1]));
        gate.Release();
    }

    [Fact]
    public async Task Stop_during_streamed_tool_arguments_is_closed_by_the_runtime_finalizer()
    {
        var ct = TestContext.Current.CancellationToken;
        var gate = new Gate();
        Server.Enqueue(Reply.ToolCall("call_1", "changeColor", "{\"c\":").ThenHold(gate));
        using var run = Start(Agent(Server), Input(tools: [FrontendTool("changeColor")]));

        await run.Seen<ToolCallArgsEvent>().WaitAsync(ct);
        await run.StopAsync(ct);

        Assert.Equal(["RUN_STARTED", "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_END", "TOOL_CALL_RESULT", "RUN_FINISHED"], Types(run.Events));
        Assert.Contains("stop_requested", Assert.IsType<ToolCallResultEvent>(run.Events[4]).Content, StringComparison.Ordinal);
        Assert.Equal("""{"type":"RUN_FINISHED","threadId":"t1","runId":"r1"}""", Json(run.Events[^1]));
        Assert.True(await Assert.Single(Server.Requests).Ended.WaitAsync(ct));
        gate.Release();
    }
}
