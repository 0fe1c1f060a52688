using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Runners;

/// <summary>
/// Runs agents and keeps each thread's history. One active run per thread; <c>connect</c> replays a thread
/// and tails its active run; <c>stop</c> aborts it. A run outlives the request that started it.
/// </summary>
public abstract class AgentRunner
{
    /// <summary>
    /// Starts the run now (not on enumeration) and returns its events. A thread that already has an active run
    /// gets an empty stream. Enumeration may stop at any time (client gone) without affecting the run; a pending
    /// <c>MoveNextAsync</c> must end promptly when the enumeration's token is cancelled (the SSE writer waits for it
    /// before disposing the enumerator).
    /// </summary>
    /// <exception cref="RunnerUnavailableException">The runner's store cannot be reached.</exception>
    public abstract ValueTask<IAsyncEnumerable<RunnerEvent>> RunAsync(AgentRunRequest request, CancellationToken cancellationToken);

    /// <summary>The thread's compacted history, then its active run from the start, live until it ends.</summary>
    /// <exception cref="RunnerUnavailableException">The runner's store cannot be reached.</exception>
    public abstract ValueTask<IAsyncEnumerable<RunnerEvent>> ConnectAsync(AgentConnectRequest request, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="thread"/> has an active run (a plain thread id converts to an unscoped key).</summary>
    public abstract ValueTask<bool> IsRunningAsync(ThreadKey thread, CancellationToken cancellationToken);

    /// <summary>Asks the active run of <paramref name="thread"/> to stop (only if it is <paramref name="runId"/>, when given).</summary>
    public abstract ValueTask<StopResult> StopAsync(ThreadKey thread, string? runId, CancellationToken cancellationToken);

    /// <summary>Completes when no run that this instance executes is active any more (a draining server waits on it).</summary>
    public virtual Task WhenIdleAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Ends every run this instance executes with <c>RUN_ERROR {code: "RUN_INTERRUPTED"}</c>, after closing its open
    /// messages, and completes once they are stored and their streams have their terminal event (the server is
    /// shutting down and its grace period is over).
    /// </summary>
    public virtual Task InterruptRunsAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// A thread as a runner stores it: the client's <paramref name="ThreadId"/> inside an optional
/// <paramref name="Scope"/> (for example the signed-in user's id, from <c>WithThreadScope</c>). Threads of different
/// scopes never meet, whatever their ids: a runner keys every read and write by both, and answers a thread of another
/// scope as unknown. <see langword="null"/> is the unscoped namespace (the official runtime's behaviour). Events keep
/// carrying the client's thread id; the scope never appears on the wire.
/// </summary>
public readonly record struct ThreadKey(string ThreadId, string? Scope = null)
{
    /// <summary>An unscoped thread.</summary>
    public static implicit operator ThreadKey(string threadId) => new(threadId);

    /// <summary>An unscoped thread.</summary>
    public static ThreadKey FromString(string threadId) => new(threadId);
}

/// <summary>A run to start: the per-request agent clone and the parsed input.</summary>
public sealed record AgentRunRequest(string ThreadId, string AgentId, AbstractAgent Agent, RunAgentInput Input)
{
    /// <summary>The thread scope of the request (<see cref="ThreadKey.Scope"/>); <see langword="null"/>: unscoped.</summary>
    public string? Scope { get; init; }

    public ThreadKey Thread => new(ThreadId, Scope);
}

/// <summary>
/// A connect: <paramref name="LastEventId"/> is the SSE <c>Last-Event-ID</c> the client resumes after (runners that
/// give their events ids honour it); <paramref name="Headers"/> are the forwardable request headers.
/// </summary>
public sealed record AgentConnectRequest(string ThreadId, string AgentId, IReadOnlyDictionary<string, string> Headers, string? LastEventId = null)
{
    /// <summary>The thread scope of the request (<see cref="ThreadKey.Scope"/>); <see langword="null"/>: unscoped.</summary>
    public string? Scope { get; init; }

    public ThreadKey Thread => new(ThreadId, Scope);
}

/// <summary>The events of a stored run held as their JSON (<see cref="SerializedEvents"/>, a Redis history entry).</summary>
public interface IStoredEvents
{
    /// <summary>The wire JSON of event <paramref name="index"/>.</summary>
    ReadOnlyMemory<byte> JsonOf(int index);

    /// <summary>Event <paramref name="index"/>, read from its JSON.</summary>
    AgUiEvent Read(int index);

    /// <summary>Event <paramref name="index"/> is a <c>RUN_ERROR</c> (known without reading it).</summary>
    bool IsRunError(int index);
}

/// <summary>
/// An event as a runner streams it, with an optional SSE id (written as an <c>id:</c> line). An event of a stored run
/// may be held as its JSON only (<see cref="SerializedEvents"/>): <see cref="Event"/> then reads it from there when
/// asked, which a replay written as is never does.
/// </summary>
public readonly record struct RunnerEvent
{
    private readonly AgUiEvent? _event;
    private readonly IStoredEvents? _stored;
    private readonly int _index;
    private readonly string? _id;
    private readonly string? _idPrefix; // the id is this prefix and _idNumber, made into a string only if asked for
    private readonly long _idNumber;

    public RunnerEvent(AgUiEvent @event, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(@event);
        _event = @event;
        Id = id;
    }

    /// <summary>Event <paramref name="index"/> of a stored run, written as its stored JSON.</summary>
    public RunnerEvent(IStoredEvents stored, int index, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(stored);
        _stored = stored;
        _index = index;
        Id = id;
        Json = stored.JsonOf(index);
    }

    /// <summary>The event (read from its stored JSON, each time, when the runner keeps only that).</summary>
    public AgUiEvent Event => _event ?? _stored!.Read(_index);

    /// <summary>The event's SSE id, if the runner gives its events ids.</summary>
    public string? Id
    {
        get => _id ?? (_idPrefix is null ? null : string.Concat(_idPrefix, _idNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        init
        {
            _id = value;
            _idPrefix = null;
        }
    }

    /// <summary>An event whose id is <paramref name="idPrefix"/> followed by <paramref name="idNumber"/> (written without a string per event).</summary>
    internal RunnerEvent(AgUiEvent @event, ReadOnlyMemory<byte> json, string idPrefix, long idNumber)
    {
        _event = @event;
        Json = json;
        _idPrefix = idPrefix;
        _idNumber = idNumber;
    }

    /// <summary>The id as a prefix and a number, when it was given so (see the constructor taking them).</summary>
    internal bool TryGetIdParts(out string prefix, out long number)
    {
        prefix = _idPrefix!;
        number = _idNumber;
        return _idPrefix is not null && _id is null;
    }

    /// <summary>
    /// The event's wire JSON when the runner has it already (a stored run keeps its events serialized; the Redis
    /// stream holds them as JSON): written as is, byte-identical to serializing <see cref="Event"/>. Empty: serialize.
    /// </summary>
    public ReadOnlyMemory<byte> Json { get; init; }

    /// <summary>The event is a <c>RUN_ERROR</c> (known without reading a stored event).</summary>
    public bool IsRunError => _event is RunErrorEvent || (_stored is not null && _stored.IsRunError(_index));

    public void Deconstruct(out AgUiEvent @event, out string? id)
    {
        @event = Event;
        id = Id;
    }

    public static implicit operator RunnerEvent(AgUiEvent e) => new(e);
}

public enum StopOutcome
{
    Stopped,
    NotRunning,
    NotActiveRun,
}

public readonly record struct StopResult(StopOutcome Outcome)
{
    public bool Stopped => Outcome == StopOutcome.Stopped;
    public static StopResult StoppedResult => new(StopOutcome.Stopped);
    public static StopResult NotRunning => new(StopOutcome.NotRunning);
    public static StopResult NotActiveRun => new(StopOutcome.NotActiveRun);
}

/// <summary>The runner's backing store is unreachable; the HTTP layer answers <c>503 runner_unavailable</c>.</summary>
public sealed class RunnerUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
