using System.Buffers;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// Events serialized once, their JSON side by side in one array (one allocation, not one per event): a finished run
/// is written this way when it is stored, and every replay writes these bytes instead of serializing again.
/// </summary>
public sealed class SerializedEvents
{
    private readonly byte[] _json;
    private readonly int[] _ends;

    public SerializedEvents(IReadOnlyList<AgUiEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        // Written into this thread's scratch buffer, then copied once into an array of the exact size.
        var buffer = t_scratch ?? new ArrayBufferWriter<byte>(4096);
        t_scratch = null;
        buffer.ResetWrittenCount();
        _ends = new int[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            AgUiEventWriter.Write(buffer, events[i]);
            _ends[i] = buffer.WrittenCount;
        }
        Events = events;
        _json = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity <= MaxKeptScratchBytes)
        {
            t_scratch = buffer;
        }
    }

    private const int MaxKeptScratchBytes = 256 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    public IReadOnlyList<AgUiEvent> Events { get; }

    /// <summary>The bytes of all the events' JSON.</summary>
    public long Bytes => _json.Length;

    /// <summary>The JSON of event <paramref name="index"/>, as <see cref="AgUiEventWriter"/> writes it.</summary>
    public ReadOnlyMemory<byte> JsonOf(int index)
    {
        var start = index == 0 ? 0 : _ends[index - 1];
        return _json.AsMemory(start, _ends[index] - start);
    }
}
