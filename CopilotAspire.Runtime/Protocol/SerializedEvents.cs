namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// Events serialized once, their JSON side by side in one array (one allocation, not one per event): a finished run
/// is kept this way when it is stored, and every replay writes these bytes instead of serializing again. The event
/// objects are not kept (a stored run is its bytes, a few small arrays and the message ids): what a replay needs of
/// them (its message id; whether it is a <c>RUN_ERROR</c> shows in its JSON) is noted when it is stored, and <see cref="Read"/> reads one back
/// from its JSON for the rare reader that needs the object.
/// </summary>
public sealed class SerializedEvents : IStoredEvents
{
    private readonly byte[] _json;
    private readonly int[] _ends;
    private readonly string?[]? _messageIds;

    /// <summary>Serializes <paramref name="events"/> once, in order, and notes each one's message id.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="events"/> is <see langword="null"/>.</exception>
    public SerializedEvents(IReadOnlyList<AgUiEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        // Written into this thread's scratch buffer, then copied once into an array of the exact size.
        var buffer = ScratchBuffer.Rent();
        _ends = new int[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            AgUiEventWriter.Write(buffer, e);
            _ends[i] = buffer.WrittenCount;
            if (EventMessageId.Of(e) is { } id)
            {
                (_messageIds ??= new string?[events.Count])[i] = id;
            }
        }
        _json = buffer.WrittenSpan.ToArray();
        ScratchBuffer.Return(buffer);
    }

    /// <summary>How many events.</summary>
    public int Count => _ends.Length;

    /// <summary>The bytes of all the events' JSON.</summary>
    public long Bytes => _json.Length;

    /// <summary>The JSON of event <paramref name="index"/>, as <see cref="AgUiEventWriter"/> writes it.</summary>
    public ReadOnlyMemory<byte> JsonOf(int index)
    {
        var start = index == 0 ? 0 : _ends[index - 1];
        return _json.AsMemory(start, _ends[index] - start);
    }

    /// <summary>Event <paramref name="index"/>, read from its JSON (a new object each time).</summary>
    public AgUiEvent Read(int index) => AgUiJson.DeserializeEvent(JsonOf(index).Span);

    /// <summary>The message id of event <paramref name="index"/> (<see cref="EventMessageId.Of"/>).</summary>
    public string? MessageIdOf(int index) => _messageIds?[index];

    /// <summary>Event <paramref name="index"/> is a <c>RUN_ERROR</c> (told by its JSON, which starts with its type).</summary>
    public bool IsRunError(int index) => AgUiEventWriter.IsWrittenAs<RunErrorEvent>(JsonOf(index).Span) == true;
}
