using System.Runtime.CompilerServices;
using System.Text.Json;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Hosting;
using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Tests.Infrastructure;

/// <summary>
/// The agents of the wire spec's conformance fixture (§13), written as plain <see cref="AbstractAgent"/>s that
/// emit exactly what each case needs: well-behaved, slow (waits to be stopped), chunky, throwing, broken streams.
/// </summary>
public static class ConformanceAgents
{
    public static CopilotRuntimeBuilder AddConformanceAgents(this CopilotRuntimeBuilder runtime)
    {
        foreach (var (id, agent) in All())
        {
            runtime.AddAgent(id, agent);
        }
        return runtime;
    }

    public static IEnumerable<(string Id, AbstractAgent Agent)> All() =>
    [
        ("default", new DelegateAgent(Hello, "test agent")),
        ("slow", new DelegateAgent(Slow)),
        ("chunky", new DelegateAgent(Chunky)),
        ("thrower", new DelegateAgent(Thrower)),
        ("echo", new DelegateAgent(Echo)),
        ("unterminated", new DelegateAgent(Unterminated)),
        ("exploder", new DelegateAgent(Exploder)),
        ("unopened", new DelegateAgent(Unopened)),
        ("nostart", new DelegateAgent(NoStart)),
        ("selferror", new DelegateAgent(SelfError)),
        ("stateful", new DelegateAgent(Stateful)),
        ("gated", new DelegateAgent(Gated)),
    ];

    /// <summary>Released by tests that need an agent to stay silent until they say so (keyed by thread id).</summary>
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> Gates = new();

    public static TaskCompletionSource Gate(string threadId) => Gates.GetOrAdd(threadId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private static async IAsyncEnumerable<AgUiEvent> Hello(DelegateAgent self, RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        yield return new TextMessageStartEvent { MessageId = "m1", Role = "assistant" };
        yield return new TextMessageContentEvent { MessageId = "m1", Delta = "Hello from test" };
        yield return new TextMessageEndEvent { MessageId = "m1" };
        await Task.Yield();
        yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
    }

    private static async IAsyncEnumerable<AgUiEvent> Slow(DelegateAgent self, RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        yield return new TextMessageStartEvent { MessageId = "s1", Role = "assistant" };
        yield return new TextMessageContentEvent { MessageId = "s1", Delta = "working" };
        yield return new ToolCallStartEvent { ToolCallId = "tc1", ToolCallName = "slow_tool", ParentMessageId = "s1" };
        var stopped = new TaskCompletionSource();
        using (ct.Register(() => stopped.TrySetResult()))
        {
            await stopped.Task; // completes, without a terminal event, only when the run is stopped
        }
    }

    private static async IAsyncEnumerable<AgUiEvent> Chunky(DelegateAgent self, RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        yield return new TextMessageChunkEvent { MessageId = "c1", Delta = "Hel" };
        yield return new TextMessageChunkEvent { Delta = "lo" };
        yield return new ToolCallChunkEvent { ToolCallId = "tc1", ToolCallName = "lookup", ParentMessageId = "c1", Delta = "{\"q\":" };
        yield return new ToolCallChunkEvent { ToolCallId = "tc1", Delta = "1}" };
        await Task.Yield();
        yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
    }

    private static async IAsyncEnumerable<AgUiEvent> Thrower(DelegateAgent self, RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        throw new InvalidOperationException("boom");
#pragma warning disable CS0162 // the iterator needs a yield to be one
        yield break;
#pragma warning restore CS0162
    }

    private static async IAsyncEnumerable<AgUiEvent> Echo(DelegateAgent self, RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        yield return new TextMessageStartEvent { MessageId = "e1", Role = "assistant" };
        var headers = self.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.Ordinal);
        yield return new TextMessageContentEvent { MessageId = "e1", Delta = JsonSerializer.Serialize(headers, AgUiJson.Context.DictionaryStringString) };
        yield return new TextMessageEndEvent { MessageId = "e1" };
        await Task.Yield();
        yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
    }

    private static async IAsyncEnumerable<AgUiEvent> Unterminated(DelegateAgent self, RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        await Task.Yield();
        yield return new TextMessageStartEvent { MessageId = "m1", Role = "assistant" };
    }

    private static async IAsyncEnumerable<AgUiEvent> Exploder(DelegateAgent self, RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        yield return new TextMessageStartEvent { MessageId = "s1", Role = "assistant" };
        yield return new ToolCallStartEvent { ToolCallId = "tcS", ToolCallName = "search", ParentMessageId = "s1" };
        await Task.Yield();
        throw new InvalidOperationException("provider exploded: 500");
    }

    private static async IAsyncEnumerable<AgUiEvent> Unopened(DelegateAgent self, RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        await Task.Yield();
        yield return new TextMessageContentEvent { MessageId = "zz", Delta = "orphan" };
        yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
    }

    private static async IAsyncEnumerable<AgUiEvent> NoStart(DelegateAgent self, RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        yield return new TextMessageStartEvent { MessageId = "m1", Role = "assistant" };
    }

    private static async IAsyncEnumerable<AgUiEvent> SelfError(DelegateAgent self, RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        yield return new TextMessageStartEvent { MessageId = "m1", Role = "assistant" };
        await Task.Yield();
        yield return new RunErrorEvent { Message = "own failure", Code = "OWN" };
    }

    private static async IAsyncEnumerable<AgUiEvent> Stateful(DelegateAgent self, RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        yield return new StateSnapshotEvent { Snapshot = AgUiJson.Parse("""{"x":1}""") };
        yield return new StateDeltaEvent { Delta = AgUiJson.Parse("""[{"op":"replace","path":"/x","value":2}]""") };
        await Task.Yield();
        yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
    }

    private static async IAsyncEnumerable<AgUiEvent> Gated(DelegateAgent self, RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        await Gate(input.ThreadId).Task.WaitAsync(ct);
        yield return new TextMessageStartEvent { MessageId = "g1", Role = "assistant" };
        yield return new TextMessageContentEvent { MessageId = "g1", Delta = "released" };
        yield return new TextMessageEndEvent { MessageId = "g1" };
        yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
    }
}

/// <summary>An agent whose run is a delegate (test helper).</summary>
public sealed class DelegateAgent : AbstractAgent
{
    private readonly Func<DelegateAgent, RunAgentInput, CancellationToken, IAsyncEnumerable<AgUiEvent>> _run;

    public DelegateAgent(Func<DelegateAgent, RunAgentInput, CancellationToken, IAsyncEnumerable<AgUiEvent>> run, string description = "")
    {
        _run = run;
        Description = description;
    }

    private DelegateAgent(DelegateAgent source) : base(source) => _run = source._run;

    /// <summary>How many clones were made (each request runs on its own).</summary>
    public int CloneCount { get; private set; }

    public override AbstractAgent Clone()
    {
        CloneCount++;
        return new DelegateAgent(this);
    }

    public override IAsyncEnumerable<AgUiEvent> RunAsync(RunAgentInput input, CancellationToken cancellationToken) => _run(this, input, cancellationToken);
}
