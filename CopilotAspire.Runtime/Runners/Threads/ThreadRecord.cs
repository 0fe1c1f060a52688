using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Runners.Threads;

/// <summary>
/// A thread in a list, in the official runtime's shape: <c>{id, name, agentId, organizationId, createdById, archived,
/// createdAt, updatedAt}</c>, times as ISO 8601 UTC with milliseconds. <c>name</c> is written as <c>null</c> until the
/// thread is renamed (as the official runtime writes it); <c>organizationId</c> and <c>createdById</c> are empty strings
/// (the official local runtime's values: the scope never appears on the wire).
/// </summary>
public sealed record ThreadRecord
{
    /// <summary>The thread id.</summary>
    public required string Id { get; init; }

    /// <summary>The name given with <c>PATCH …/threads/{id}</c>; written as <c>null</c> until then.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Name { get; init; }

    /// <summary>The agent whose runs the thread holds (a thread belongs to the agent of its first run).</summary>
    public required string AgentId { get; init; }

    /// <summary>Always empty, as the official local runtime writes it.</summary>
    public string OrganizationId { get; init; } = "";

    /// <summary>Always empty, as the official local runtime writes it (the thread scope stays off the wire).</summary>
    public string CreatedById { get; init; } = "";

    /// <summary>Whether the thread was archived; archived threads are listed only when asked for.</summary>
    public bool Archived { get; init; }

    /// <summary>When the first run started (<see cref="FormatTime"/>).</summary>
    public required string CreatedAt { get; init; }

    /// <summary>
    /// When the last run started or the thread last changed (<see cref="FormatTime"/>); lists are ordered by it, newest
    /// first.
    /// </summary>
    public required string UpdatedAt { get; init; }

    /// <summary>
    /// A time as the official runtime writes it (JavaScript's <c>Date.toISOString()</c>): <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>,
    /// digit by digit (a list page formats two per thread; a custom format string costs several times more).
    /// </summary>
    public static string FormatTime(long unixMilliseconds) =>
        string.Create(24, DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).UtcDateTime, static (text, time) =>
        {
            Digits(text[..4], time.Year);
            text[4] = '-';
            Digits(text.Slice(5, 2), time.Month);
            text[7] = '-';
            Digits(text.Slice(8, 2), time.Day);
            text[10] = 'T';
            Digits(text.Slice(11, 2), time.Hour);
            text[13] = ':';
            Digits(text.Slice(14, 2), time.Minute);
            text[16] = ':';
            Digits(text.Slice(17, 2), time.Second);
            text[19] = '.';
            Digits(text.Slice(20, 3), time.Millisecond);
            text[23] = 'Z';
        });

    /// <summary>Writes <paramref name="value"/> into all of <paramref name="into"/>, zero-padded.</summary>
    private static void Digits(Span<char> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }
}
