using System.Runtime.CompilerServices;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;

namespace CopilotAspire.Tests.Runners;

/// <summary>An agent whose run is a script (input, cancellation) → events.</summary>
internal sealed class ScriptAgent(Func<RunAgentInput, CancellationToken, IAsyncEnumerable<AgUiEvent>> script) : AbstractAgent
{
    public override AbstractAgent Clone() => new ScriptAgent(script);

    public override IAsyncEnumerable<AgUiEvent> RunAsync(RunAgentInput input, CancellationToken cancellationToken) => script(input, cancellationToken);
}

/// <summary>Streams tokens one at a time, each only when the test releases it.</summary>
internal sealed class GatedAgent : AbstractAgent
{
    private readonly SemaphoreSlim _gate;
    private readonly int _tokens;

    public GatedAgent(int tokens)
    {
        _gate = new SemaphoreSlim(0);
        _tokens = tokens;
    }

    private GatedAgent(GatedAgent source) : base(source)
    {
        _gate = source._gate;
        _tokens = source._tokens;
    }

    public void Release(int count = 1) => _gate.Release(count);

    public override AbstractAgent Clone() => new GatedAgent(this);

    public override async IAsyncEnumerable<AgUiEvent> RunAsync(RunAgentInput input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var id = input.RunId + "-text";
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        yield return new TextMessageStartEvent { MessageId = id };
        for (var i = 0; i < _tokens; i++)
        {
            await _gate.WaitAsync(cancellationToken);
            yield return new TextMessageContentEvent { MessageId = id, Delta = i == 0 ? "t0" : $" t{i}" };
        }
        yield return new TextMessageEndEvent { MessageId = id };
        yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
    }
}

internal static class TestAgents
{
    /// <summary>A complete run: state, a text message, a tool call with its result, a state delta.</summary>
    /// <param name="secondDelta">The text message's second token.</param>
    public static AbstractAgent Fixed(string secondDelta = " world") => new ScriptAgent((input, ct) => FixedRun(input, secondDelta, ct));

    /// <summary>Opens a text message and a tool call, then waits until stopped.</summary>
    public static AbstractAgent Hanging() => new ScriptAgent(HangingRun);

    /// <summary>Throws before emitting anything.</summary>
    public static AbstractAgent Throwing() => new ScriptAgent(ThrowingRun);

    /// <summary>RUN_STARTED, <paramref name="count"/> CUSTOM events, RUN_FINISHED, as fast as it can.</summary>
    public static AbstractAgent Flood(int count) => new ScriptAgent((input, ct) => FloodRun(input, count, ct));

    public static AgentRunRequest Request(string threadId, string runId, AbstractAgent agent, params Message[] messages) => new(
        threadId,
        "test",
        agent.Clone(),
        new RunAgentInput { ThreadId = threadId, RunId = runId, Messages = messages, Tools = [], Context = [] });

    private static async IAsyncEnumerable<AgUiEvent> FixedRun(RunAgentInput input, string secondDelta, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        var r = input.RunId;
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = r };
        yield return new StateSnapshotEvent { Snapshot = AgUiJson.Parse("""{"step":0}""") };
        yield return new TextMessageStartEvent { MessageId = r + "-text" };
        yield return new TextMessageContentEvent { MessageId = r + "-text", Delta = "Hello" };
        yield return new TextMessageContentEvent { MessageId = r + "-text", Delta = secondDelta };
        yield return new TextMessageEndEvent { MessageId = r + "-text" };
        yield return new ToolCallStartEvent { ToolCallId = r + "-tool", ToolCallName = "lookup", ParentMessageId = r + "-text" };
        yield return new ToolCallArgsEvent { ToolCallId = r + "-tool", Delta = "{\"q\":" };
        yield return new ToolCallArgsEvent { ToolCallId = r + "-tool", Delta = "1}" };
        yield return new ToolCallEndEvent { ToolCallId = r + "-tool" };
        yield return new ToolCallResultEvent { ToolCallId = r + "-tool", MessageId = r + "-result", Role = "tool", Content = "{\"ok\":true}" };
        yield return new StateDeltaEvent { Delta = AgUiJson.Parse("""[{"op":"replace","path":"/step","value":1}]""") };
        yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = r };
    }

    private static async IAsyncEnumerable<AgUiEvent> HangingRun(RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        var r = input.RunId;
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = r };
        yield return new TextMessageStartEvent { MessageId = r + "-text" };
        yield return new TextMessageContentEvent { MessageId = r + "-text", Delta = "Working" };
        yield return new ToolCallStartEvent { ToolCallId = r + "-tool", ToolCallName = "slow", ParentMessageId = r + "-text" };
        yield return new ToolCallArgsEvent { ToolCallId = r + "-tool", Delta = "{}" };
        await Task.Delay(Timeout.Infinite, ct);
    }

    private static async IAsyncEnumerable<AgUiEvent> ThrowingRun(RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        throw new InvalidOperationException("HTTP 401: Unauthorized");
#pragma warning disable CS0162 // An iterator needs a yield.
        yield break;
#pragma warning restore CS0162
    }

    private static async IAsyncEnumerable<AgUiEvent> FloodRun(RunAgentInput input, int count, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        var value = AgUiJson.Parse("1");
        for (var i = 0; i < count; i++)
        {
            yield return new CustomEvent { Name = "tick", Value = value };
        }
        yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
    }
}

internal static class RunnerStreams
{
    public static async Task<List<RunnerEvent>> ReadAllAsync(this IAsyncEnumerable<RunnerEvent> stream, CancellationToken ct)
    {
        var events = new List<RunnerEvent>();
        await foreach (var e in stream.WithCancellation(ct))
        {
            events.Add(e);
        }
        return events;
    }

    /// <summary>Reads until (and including) the first event matching <paramref name="until"/>.</summary>
    public static async Task<List<RunnerEvent>> ReadUntilAsync(this IAsyncEnumerator<RunnerEvent> stream, Func<AgUiEvent, bool> until)
    {
        var events = new List<RunnerEvent>();
        while (await stream.MoveNextAsync())
        {
            events.Add(stream.Current);
            if (until(stream.Current.Event))
            {
                return events;
            }
        }
        throw new InvalidOperationException("The stream ended before the expected event. Got: " + string.Join(", ", events.Select(e => e.Event.Type)));
    }

    public static async Task<List<RunnerEvent>> ReadToEndAsync(this IAsyncEnumerator<RunnerEvent> stream)
    {
        var events = new List<RunnerEvent>();
        while (await stream.MoveNextAsync())
        {
            events.Add(stream.Current);
        }
        return events;
    }

    public static List<string> Json(this IEnumerable<RunnerEvent> events) => events.Select(e => AgUiJson.Serialize(e.Event)).ToList();

    public static List<string> Json(this IEnumerable<AgUiEvent> events) => events.Select(AgUiJson.Serialize).ToList();

    public static List<string> Types(this IEnumerable<RunnerEvent> events) => events.Select(e => e.Event.Type).ToList();
}
