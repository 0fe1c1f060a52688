using System.Text.Json;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace CopilotAspire.Tests.Agents;

/// <summary>Runs agents through the runtime's event pipeline against a <see cref="FakeOpenAiServer"/>.</summary>
internal static class BasicAgentHarness
{
    public const string Key = "sk-test-key-0123456789";

    /// <summary>Provider environment pointing every provider at <paramref name="server"/> with a test key.</summary>
    public static ProviderEnvironment Environment(FakeOpenAiServer server, params (string Name, string? Value)[] overrides)
    {
        var values = new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = Key,
            ["OPENAI_BASE_URL"] = server.OpenAiBaseUrl,
            ["ANTHROPIC_API_KEY"] = Key,
            ["ANTHROPIC_BASE_URL"] = server.AnthropicBaseUrl,
            ["GOOGLE_GENERATIVE_AI_API_KEY"] = Key,
            ["GOOGLE_GENERATIVE_AI_BASE_URL"] = server.GeminiBaseUrl,
            ["AZURE_OPENAI_ENDPOINT"] = server.AzureEndpoint,
            ["AZURE_OPENAI_API_KEY"] = Key,
        };
        foreach (var (name, value) in overrides)
        {
            values[name] = value;
        }
        return ProviderEnvironment.FromValues(values);
    }

    public static BuiltInAgent Agent(FakeOpenAiServer server, Action<BasicAgentOptions>? configure = null, string model = "openai/gpt-4o")
    {
        var options = new BasicAgentOptions { Model = model };
        configure?.Invoke(options);
        return new BuiltInAgent(options, Environment(server));
    }

    public static RunAgentInput Input(string threadId = "t1", string runId = "r1", IReadOnlyList<Message>? messages = null,
        IReadOnlyList<Tool>? tools = null, IReadOnlyList<Context>? context = null, string? state = null) => new()
    {
        ThreadId = threadId,
        RunId = runId,
        Messages = messages ?? [Message.User("m1", "Hi")],
        Tools = tools ?? [],
        Context = context ?? [],
        State = state is null ? null : AgUiJson.Parse(state),
    };

    public static Tool FrontendTool(string name, string parameters = """{"type":"object","properties":{"c":{"type":"string"}},"required":["c"]}""") =>
        new() { Name = name, Description = $"{name} (runs in the browser)", Parameters = AgUiJson.Parse(parameters) };

    /// <summary>The run's events after chunk expansion, verification and finalization.</summary>
    public static async Task<List<AgUiEvent>> RunAsync(AbstractAgent agent, RunAgentInput input)
    {
        using var run = Start(agent, input);
        await run.Completion;
        return run.Events;
    }

    /// <summary>Starts a run whose events are collected; <paramref name="onEvent"/> sees each one as it arrives.</summary>
    public static StartedRun Start(AbstractAgent agent, RunAgentInput input, Action<AgUiEvent>? onEvent = null)
    {
        var events = new List<AgUiEvent>();
        var execution = new AgentRunExecution(agent, input, NullLogger.Instance);
        var completion = execution.ExecuteAsync(e =>
        {
            lock (events)
            {
                events.Add(e);
            }
            onEvent?.Invoke(e);
            return ValueTask.CompletedTask;
        });
        return new StartedRun(execution, completion, events);
    }

    public static string[] Types(IEnumerable<AgUiEvent> events) => [.. events.Select(e => e.Type)];

    public static string Json(AgUiEvent e) => AgUiJson.Serialize(e);

    /// <summary>The <c>messages</c> array of a recorded request body.</summary>
    public static JsonElement Messages(RecordedRequest request) => request.Json!.Value.GetProperty("messages");

    public static string[] ToolNames(RecordedRequest request) =>
        [.. request.Json!.Value.GetProperty("tools").EnumerateArray().Select(t =>
            t.TryGetProperty("function", out var f) ? f.GetProperty("name").GetString()! : t.GetProperty("name").GetString()!)];
}

/// <summary>A run in progress: stop it through <see cref="Execution"/>, await <see cref="Completion"/>, then read <see cref="Events"/>.</summary>
internal sealed record StartedRun(AgentRunExecution Execution, Task Completion, List<AgUiEvent> Events) : IDisposable
{
    public void Dispose() => Execution.Dispose();
}
