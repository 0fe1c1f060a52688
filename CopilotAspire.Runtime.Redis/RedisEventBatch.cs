using CopilotAspire.Runtime.Runners;

namespace CopilotAspire.Runtime.Redis;

/// <summary>
/// A batch of a run's events as one field of its Redis stream: field name = the index of the batch's first event,
/// value = the events' JSON one per line (an event's JSON never holds a raw line break: each is also an SSE
/// <c>data:</c> line). One value per batch, not one per event: Redis and the client each handle one argument, not
/// hundreds. A field holding a single event is the same thing with one line (the form written before batches were
/// joined), so both read alike.
/// </summary>
internal static class RedisEventBatch
{
    /// <summary>The events' JSON joined by line feeds.</summary>
    public static byte[] Join(IReadOnlyList<RunnerEvent> events)
    {
        var length = Math.Max(0, events.Count - 1);
        foreach (var e in events)
        {
            length += e.Json.Length;
        }
        var joined = new byte[length];
        var at = 0;
        for (var i = 0; i < events.Count; i++)
        {
            if (i > 0)
            {
                joined[at++] = (byte)'\n';
            }
            events[i].Json.Span.CopyTo(joined.AsSpan(at));
            at += events[i].Json.Length;
        }
        return joined;
    }

    /// <summary>The events of one field, in order: their JSON as slices of <paramref name="value"/>.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Split(ReadOnlyMemory<byte> value)
    {
        while (true)
        {
            var end = value.Span.IndexOf((byte)'\n');
            if (end < 0)
            {
                yield return value;
                yield break;
            }
            yield return value[..end];
            value = value[(end + 1)..];
        }
    }
}
