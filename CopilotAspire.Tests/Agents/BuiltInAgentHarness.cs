using System.Collections.Concurrent;
using System.Text.Json;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Agents.BuiltIn;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace CopilotAspire.Tests.Agents;

/// <summary>Runs agents through the runtime's event pipeline against a <see cref="FakeOpenAiServer"/>.</summary>
internal static class BuiltInAgentHarness
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

    public static BuiltInAgent Agent(FakeOpenAiServer server, Action<BuiltInAgentOptions>? configure = null, string model = "openai/gpt-4o")
    {
        var options = new BuiltInAgentOptions { Model = model };
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

    /// <summary>Starts a run whose events are collected as they arrive.</summary>
    public static StartedRun Start(AbstractAgent agent, RunAgentInput input)
    {
        var execution = new AgentRunExecution(agent, input, NullLogger.Instance);
        var run = new StartedRun(execution);
        run.Completion = execution.ExecuteAsync(run.Add);
        return run;
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
internal sealed class StartedRun(AgentRunExecution execution) : IDisposable
{
    private readonly ConcurrentDictionary<Type, TaskCompletionSource> _seen = new();

    public AgentRunExecution Execution => execution;

    public Task Completion { get; set; } = Task.CompletedTask;

    public List<AgUiEvent> Events { get; } = [];

    /// <summary>Completes when the first event of type <typeparamref name="TEvent"/> has been handed to the sink.</summary>
    public Task Seen<TEvent>() where TEvent : AgUiEvent => Signal(typeof(TEvent)).Task;

    /// <summary>Requests a stop and waits for the run to end.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        execution.RequestStop();
        await Completion.WaitAsync(cancellationToken);
    }

    internal ValueTask Add(AgUiEvent e)
    {
        lock (Events)
        {
            Events.Add(e);
        }
        Signal(e.GetType()).TrySetResult();
        return ValueTask.CompletedTask;
    }

    private TaskCompletionSource Signal(Type type) => _seen.GetOrAdd(type, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Dispose() => execution.Dispose();
}
