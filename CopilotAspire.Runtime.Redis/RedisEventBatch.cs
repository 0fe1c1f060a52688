using System.Globalization;
using CopilotAspire.Runtime.Runners;
using StackExchange.Redis;

namespace CopilotAspire.Runtime.Redis;

/// <summary>
/// A batch of a run's events as one field of its Redis stream: field name = the format version, a colon and the
/// index of the batch's first event (<c>2:17</c>), value = the events' JSON one per line (an event's JSON never holds
/// a raw line break: each is also an SSE <c>data:</c> line). One value per batch, not one per event: Redis and the
/// client each handle one argument, not hundreds.
/// <para>Formats read: 2 (this one) and 1, the one before it, whose field names are the bare index (<c>17</c>),
/// with either one event per field (each field named by its event's index) or a batch's events one per line in a
/// field named by its first: a field of one event is a batch of one line, so both read alike. A newer format is
/// refused (<see cref="StoredFormatException"/>), never misread.</para>
/// </summary>
internal static class RedisEventBatch
{
    /// <summary>The stream entry format this version writes.</summary>
    public const int FormatVersion = 2;

    /// <summary>What the append and finish scripts put before a batch's first index in its field name.</summary>
    public const string FieldPrefix = "2:";

    /// <summary>The index of the first event in field <paramref name="name"/>, or false (with its format) if the format is not one this version reads.</summary>
    public static bool TryReadFieldName(RedisValue name, out long firstIndex, out int version)
    {
        var text = ((string?)name).AsSpan();
        var colon = text.IndexOf(':');
        version = 1;
        if (colon >= 0 && !int.TryParse(text[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out version))
        {
            version = -1;
        }
        firstIndex = 0;
        return version is >= 1 and <= FormatVersion
            && long.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out firstIndex);
    }

    /// <summary>The events of a stream entry, in order, as <see cref="TryReadFieldName"/> and <see cref="Split"/> read them.</summary>
    /// <exception cref="StoredFormatException">A field in a format this version does not read.</exception>
    public static IEnumerable<ReadOnlyMemory<byte>> Events(StreamEntry entry)
    {
        foreach (var field in entry.Values)
        {
            if (!TryReadFieldName(field.Name, out _, out var version))
            {
                throw new StoredFormatException("stream entry", version, FormatVersion);
            }
            foreach (var json in Split((byte[])field.Value!))
            {
                yield return json;
            }
        }
    }

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
