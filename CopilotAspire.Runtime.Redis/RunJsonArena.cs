using System.Buffers;
using System.Runtime.InteropServices;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;

namespace CopilotAspire.Runtime.Redis;

/// <summary>
/// The JSON of one run's events, serialized back to back into a few growing chunks, each event followed by a line
/// feed, instead of an array per event. An event's JSON is a slice of a chunk (never written again), and events
/// serialized one after the other in one chunk already form a <see cref="RedisEventBatch"/>: a batch is then a slice
/// too, not a copy. Written by the run's agent loop only (one thread at a time).
/// </summary>
internal sealed class RunJsonArena : IBufferWriter<byte>
{
    private const int FirstChunk = 32 * 1024; // a typical run (~200 events of ~100 bytes) fits in one
    private const int LargestChunk = 64 * 1024; // below the large object heap

    private byte[] _chunk = [];
    private int _start; // where the event being written starts in _chunk
    private int _at;    // the write position

    /// <summary>Serializes <paramref name="e"/>; its JSON stays valid (and unchanged) for the life of the arena.</summary>
    public ReadOnlyMemory<byte> Add(AgUiEvent e)
    {
        AgUiEventWriter.Write(this, e);
        Ensure(1); // the line feed goes in the same chunk (moving the event with it if need be)
        var json = _chunk.AsMemory(_start, _at - _start);
        _chunk[_at++] = (byte)'\n';
        _start = _at;
        return json;
    }

    /// <summary>The batch of <paramref name="events"/> as one value: a slice when they lie in one chunk, else joined.</summary>
    public static ReadOnlyMemory<byte> Batch(IReadOnlyList<RunnerEvent> events)
    {
        if (events.Count > 0
            && MemoryMarshal.TryGetArray(events[0].Json, out var first)
            && MemoryMarshal.TryGetArray(events[^1].Json, out var last)
            && ReferenceEquals(first.Array, last.Array)
            && first.Array is { } chunk)
        {
            // Consecutive events of one chunk lie back to back, a line feed after each: the batch as it is.
            var end = last.Offset + last.Count;
            if (end - first.Offset == BatchLength(events) && end <= chunk.Length)
            {
                return chunk.AsMemory(first.Offset, end - first.Offset);
            }
        }
        return RedisEventBatch.Join(events);
    }

    private static int BatchLength(IReadOnlyList<RunnerEvent> events)
    {
        var length = events.Count - 1;
        for (var i = 0; i < events.Count; i++)
        {
            length += events[i].Json.Length;
        }
        return length;
    }

    public void Advance(int count) => _at += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 1));
        return _chunk.AsMemory(_at);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 1));
        return _chunk.AsSpan(_at);
    }

    /// <summary>Room for <paramref name="size"/> more bytes; a new chunk takes the event written so far with it.</summary>
    private void Ensure(int size)
    {
        if (_chunk.Length - _at >= size)
        {
            return;
        }
        var partial = _at - _start;
        var length = Math.Max(Math.Clamp(_chunk.Length * 2, FirstChunk, LargestChunk), (partial + size) * 2);
        var next = GC.AllocateUninitializedArray<byte>(length); // only what is written is ever read
        _chunk.AsSpan(_start, partial).CopyTo(next);
        _chunk = next;
        _start = 0;
        _at = partial;
    }
}
