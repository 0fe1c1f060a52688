using System.Buffers;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// Events serialized once, their JSON side by side in one array (one allocation, not one per event): a finished run
/// is kept this way when it is stored, and every replay writes these bytes instead of serializing again. The event
/// objects are not kept (a stored run is its bytes, a few small arrays and the message ids): what a replay needs of
/// them (is it a <c>RUN_ERROR</c>, its message id) is noted when it is stored, and <see cref="Read"/> reads one back
/// from its JSON for the rare reader that needs the object.
/// </summary>
public sealed class SerializedEvents : Runners.IStoredEvents
{
    private const int MaxKeptScratchBytes = 256 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    private readonly byte[] _json;
    private readonly int[] _ends;
    private readonly string?[]? _messageIds;
    private readonly int[] _runErrors;

    public SerializedEvents(IReadOnlyList<AgUiEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        // Written into this thread's scratch buffer, then copied once into an array of the exact size.
        var buffer = t_scratch ?? new ArrayBufferWriter<byte>(4096);
        t_scratch = null;
        buffer.ResetWrittenCount();
        _ends = new int[events.Count];
        List<int>? runErrors = null;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            AgUiEventWriter.Write(buffer, e);
            _ends[i] = buffer.WrittenCount;
            if (Runners.RunHistoryRules.MessageIdOf(e) is { } id)
            {
                (_messageIds ??= new string?[events.Count])[i] = id;
            }
            if (e is RunErrorEvent)
            {
                (runErrors ??= []).Add(i);
            }
        }
        _runErrors = runErrors?.ToArray() ?? [];
        _json = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity <= MaxKeptScratchBytes)
        {
            t_scratch = buffer;
        }
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

    /// <summary>The message id of event <paramref name="index"/> (<see cref="Runners.RunHistoryRules.MessageIdOf"/>).</summary>
    public string? MessageIdOf(int index) => _messageIds?[index];

    /// <summary>Event <paramref name="index"/> is a <c>RUN_ERROR</c>.</summary>
    public bool IsRunError(int index) => _runErrors.Length > 0 && Array.IndexOf(_runErrors, index) >= 0;
}
