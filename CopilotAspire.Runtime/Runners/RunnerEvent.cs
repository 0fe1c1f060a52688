using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Runners;

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

    /// <summary>An event the runner holds as an object.</summary>
    /// <param name="event">The event.</param>
    /// <param name="id">Its SSE id, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="event"/> is <see langword="null"/>.</exception>
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

    /// <summary>The event and its SSE id, for <c>var (e, id) = runnerEvent</c>.</summary>
    /// <param name="event">The event (<see cref="Event"/>).</param>
    /// <param name="id">Its SSE id (<see cref="Id"/>).</param>
    public void Deconstruct(out AgUiEvent @event, out string? id)
    {
        @event = Event;
        id = Id;
    }

    /// <summary>An event without an SSE id.</summary>
    public static implicit operator RunnerEvent(AgUiEvent e) => new(e);
}
