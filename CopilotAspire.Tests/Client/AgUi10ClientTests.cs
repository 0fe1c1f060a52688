using System.Runtime.CompilerServices;
using System.Text.Json;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Testing;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace CopilotAspire.Tests.Client;

/// <summary>
/// The AG-UI 1.0 client (<c>@ag-ui/client</c> 1.0.0 from npm, <c>clients/official-1.0</c>) against our server on both
/// runners (wire spec §22): run, connect replay, stop, reasoning and a tool result as content parts, every event checked
/// by the 1.0 zod schemas and verifier, and not one warning from the client (no "Dropping unrecognised event", no
/// "Removed unrecognised material" for a field it strips, no legacy translation).
/// </summary>
[Kind(TestKind.Process)]
public sealed class AgUi10ClientTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<RuntimeTestHost> StartAsync(string runner) => RuntimeTestHost.StartAsync(
        runtime =>
        {
            runtime.AddAgent("reasoner", new DelegateAgent(Reasoner));
            if (runner == "Redis")
            {
                runtime.Host.AddRedisAgentRunner(configure: o => o.KeyPrefix = "agui10-" + Guid.NewGuid().ToString("N")[..8] + ":");
            }
        },
        new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redis.ConnectionString });

    /// <summary>Reasons, answers, and finishes with a finish reason and token usage, as a model-backed agent does.</summary>
    private static async IAsyncEnumerable<AgUiEvent> Reasoner(DelegateAgent self, RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        yield return new ReasoningStartEvent { MessageId = "think-" + input.RunId };
        yield return new ReasoningMessageStartEvent { MessageId = "reason-" + input.RunId };
        yield return new ReasoningMessageContentEvent { MessageId = "reason-" + input.RunId, Delta = "The user greets me." };
        yield return new ReasoningMessageEndEvent { MessageId = "reason-" + input.RunId };
        yield return new ReasoningEndEvent { MessageId = "think-" + input.RunId };
        yield return new TextMessageStartEvent { MessageId = "answer-" + input.RunId };
        yield return new TextMessageContentEvent { MessageId = "answer-" + input.RunId, Delta = "Hello!" };
        yield return new TextMessageEndEvent { MessageId = "answer-" + input.RunId };
        await Task.Yield();
        yield return new RunFinishedEvent
        {
            ThreadId = input.ThreadId,
            RunId = input.RunId,
            FinishReason = "stop",
            Usage = [new TokenUsage { Provider = "fake", Model = "m", InputTokens = 10, OutputTokens = 3, TotalTokens = 13, CachedInputTokens = 4, CacheWriteInputTokens = 2 }],
        };
    }

    private static void AssertNoWarnings(JsonElement result) =>
        Assert.True(result.GetProperty("warnings").GetArrayLength() == 0, $"the 1.0 client warned: {result.GetProperty("warnings")}");

    private static List<string?> Types(JsonElement result) => result.GetProperty("eventTypes").EnumerateArray().Select(t => t.GetString()).ToList();

    private static JsonElement Event(JsonElement result, string type) => result.GetProperty("events").EnumerateArray().Last(e => e.GetProperty("type").GetString() == type);

    [Theory(Timeout = 120_000)]
    [InlineData("InMemory")]
    [InlineData("Redis")]
    public async Task Run_and_connect_replay_in_1_0_shapes(string runner)
    {
        await using var host = await StartAsync(runner);
        var thread = "agui10-run-" + runner;

        var run = await NodeClient.RunScenario10Async("run", host.RuntimeUrl, "reasoner", thread, "hi", Ct);
        AssertNoWarnings(run);
        Assert.Equal("1.0.0", run.GetProperty("clientVersion").GetString()); // clients/official-1.0's own @ag-ui/client, not 0.0.59
        Assert.Equal("1.0", Event(run, "RUN_STARTED").GetProperty("protocolVersion").GetString());
        var finished = Event(run, "RUN_FINISHED");
        Assert.Equal("stop", finished.GetProperty("metadata").GetProperty("finishReason").GetString());
        Assert.False(finished.TryGetProperty("finishReason", out _));
        Assert.Equal(2, finished.GetProperty("usage")[0].GetProperty("cacheWriteInputTokens").GetInt32());
        Assert.Equal(["user", "reasoning", "assistant"], run.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));

        var scripted = await NodeClient.RunScenario10Async("run", host.RuntimeUrl, "scripted", thread + "-scripted", "hello from the 1.0 client", Ct);
        AssertNoWarnings(scripted);
        Assert.Contains("STATE_DELTA", Types(scripted));
        Assert.Contains("TOOL_CALL_RESULT", Types(scripted));

        var replay = await NodeClient.RunScenario10Async("connect", host.RuntimeUrl, "reasoner", thread, null, Ct);
        AssertNoWarnings(replay);
        Assert.Equal(["user", "reasoning", "assistant"], replay.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("RUN_FINISHED", Types(replay)[^1]);
    }

    [Theory(Timeout = 120_000)]
    [InlineData("InMemory")]
    [InlineData("Redis")]
    public async Task A_stopped_run_ends_with_the_cancelled_outcome(string runner)
    {
        await using var host = await StartAsync(runner);

        var result = await NodeClient.RunScenario10Async("stop", host.RuntimeUrl, "scripted", "agui10-stop-" + runner, "tokens:100000 delay:20", Ct);

        AssertNoWarnings(result);
        Assert.True(result.GetProperty("stopReply").GetProperty("body").GetProperty("stopped").GetBoolean());
        Assert.Equal("RUN_FINISHED", Types(result)[^1]);
        Assert.Equal("cancelled", Event(result, "RUN_FINISHED").GetProperty("outcome").GetProperty("type").GetString());
        Assert.Equal("cancelled", result.GetProperty("outcome").GetString()); // what the client's onRunFinishedEvent reports
    }

    [Theory(Timeout = 120_000)]
    [InlineData("InMemory")]
    [InlineData("Redis")]
    public async Task A_tool_result_given_as_content_parts_is_accepted(string runner)
    {
        await using var host = await StartAsync(runner);

        var result = await NodeClient.RunScenario10Async("tool-result-parts", host.RuntimeUrl, "default", "agui10-parts-" + runner, "look it up", Ct);

        AssertNoWarnings(result);
        Assert.Equal("RUN_FINISHED", Types(result)[^1]);
        var tool = Event(result, "RUN_STARTED").GetProperty("input").GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal("found it", tool.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact(Timeout = 120_000)]
    public async Task The_builtin_agent_on_a_model_speaks_1_0_without_a_warning()
    {
        await using var fake = await FakeOpenAiServer.StartAsync(Ct);
        fake.Enqueue(Reply.Text("Hello ", "from the model.").WithUsage(12, 4));
        await using var api = await ApiProcess.StartAsync(new Dictionary<string, string>
        {
            ["OPENAI_BASE_URL"] = fake.OpenAiBaseUrl,
            ["OPENAI_API_KEY"] = "sk-test-not-a-secret",
        }, Ct);

        var result = await NodeClient.RunScenario10Async("run", new Uri(api.BaseAddress, "api/copilotkit").ToString(), "default", "agui10-builtin", "hi", Ct);

        AssertNoWarnings(result);
        Assert.Equal("Hello from the model.", result.GetProperty("messages")[1].GetProperty("content").GetString());
        var finished = Event(result, "RUN_FINISHED");
        Assert.Equal("stop", finished.GetProperty("metadata").GetProperty("finishReason").GetString());
        Assert.Equal(12, finished.GetProperty("usage")[0].GetProperty("inputTokens").GetInt32());
    }
}
