using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace CopilotAspire.Runtime.Runners.Threads;

/// <summary>
/// A position in a scope's thread index: the last listed thread's update time and id (the index is ordered by update
/// time, then id, both descending). Opaque on the wire: base64url of <c>"&lt;ms&gt;:&lt;id&gt;"</c>. A thread updated
/// while a client pages moves to the top: it is not listed twice, nor are others skipped.
/// </summary>
/// <param name="UpdatedAt">The listed thread's update time, in Unix milliseconds.</param>
/// <param name="ThreadId">The listed thread's id, the tie-breaker between equal times.</param>
public readonly record struct ThreadCursor(long UpdatedAt, string ThreadId)
{
    /// <summary>The cursor as the client gets it: base64url of <c>"&lt;updatedAt&gt;:&lt;threadId&gt;"</c>.</summary>
    public override string ToString() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(UpdatedAt.ToString(CultureInfo.InvariantCulture) + ":" + ThreadId));

    /// <summary>Reads a cursor given out by <see cref="ToString"/>.</summary>
    /// <exception cref="ThreadCursorException">It is not one.</exception>
    public static ThreadCursor Parse(string cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && colon < text.Length - 1 && long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                return new ThreadCursor(ms, text[(colon + 1)..]);
            }
        }
        catch (FormatException)
        {
        }
        throw new ThreadCursorException("The cursor is not one this runtime gave out.");
    }

    /// <summary>Whether a thread at (<paramref name="updatedAt"/>, <paramref name="threadId"/>) comes after this position.</summary>
    public bool Precedes(long updatedAt, string threadId) =>
        updatedAt < UpdatedAt || (updatedAt == UpdatedAt && string.CompareOrdinal(threadId, ThreadId) < 0);
}
