using System.Globalization;

namespace CopilotAspire.Runtime.Redis;

/// <summary>
/// The SSE <c>id:</c> of an event the Redis runner streams, and the <c>Last-Event-ID</c> a connect resumes after.
/// <list type="bullet">
/// <item><c>N.K</c>: the K-th event (1-based) run N emitted, as it was emitted (the run's own stream and the active
/// run in a connect). The run's Redis stream holds its events in written batches (entry id <c>0-K</c> of each batch's last event; see <see cref="RedisEventBatch"/>).</item>
/// <item><c>N.cK</c>: the K-th event of run N's compacted replay (a finished run in a connect).</item>
/// </list>
/// N is the thread's run sequence number (1, 2, …). Resuming after <c>N.K</c> gives the rest of run N as emitted
/// (live if it is still running; for <see cref="RedisAgentRunnerOptions.ResumeWindow"/> after it ended), then the
/// later runs. Once the resume window has dropped run N's raw events, it gives run N's whole compacted replay
/// instead (events the client already has come again: a duplicate rather than a gap), then the later runs. After
/// <c>N.cK</c>, the rest of run N's replay, then the later runs. An id that does not parse replays the whole thread.
/// </summary>
internal readonly record struct RedisEventId(long Seq, long Index, bool Compacted)
{
    public override string ToString() => Compacted
        ? string.Create(CultureInfo.InvariantCulture, $"{Seq}.c{Index}")
        : string.Create(CultureInfo.InvariantCulture, $"{Seq}.{Index}");

    /// <summary>An id from its run's prefix (<see cref="RawPrefix"/> or <see cref="CompactedPrefix"/>) and K: one allocation, the id itself.</summary>
    public static string WithPrefix(string prefix, long index)
    {
        var digits = 1;
        for (var rest = index / 10; rest > 0; rest /= 10)
        {
            digits++;
        }
        return string.Create(prefix.Length + digits, (prefix, index), static (span, state) =>
        {
            state.prefix.CopyTo(span);
            state.index.TryFormat(span[state.prefix.Length..], out _, default, CultureInfo.InvariantCulture);
        });
    }

    /// <summary>The <c>N.</c> that the raw ids of run <paramref name="seq"/> start with.</summary>
    public static string RawPrefix(long seq) => string.Create(CultureInfo.InvariantCulture, $"{seq}.");

    /// <summary>The <c>N.c</c> that the compacted ids of run <paramref name="seq"/> start with.</summary>
    public static string CompactedPrefix(long seq) => string.Create(CultureInfo.InvariantCulture, $"{seq}.c");

    public static bool TryParse(string? value, out RedisEventId id)
    {
        id = default;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(value.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq < 1)
        {
            return false;
        }
        var rest = value.AsSpan(dot + 1);
        var compacted = rest.Length > 0 && rest[0] == 'c';
        if (compacted)
        {
            rest = rest[1..];
        }
        if (!long.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index < 0)
        {
            return false;
        }
        id = new RedisEventId(seq, index, compacted);
        return true;
    }
}
