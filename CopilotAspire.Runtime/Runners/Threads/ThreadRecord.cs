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
    public required string Id { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Name { get; init; }

    public required string AgentId { get; init; }

    public string OrganizationId { get; init; } = "";

    public string CreatedById { get; init; } = "";

    public bool Archived { get; init; }

    public required string CreatedAt { get; init; }

    public required string UpdatedAt { get; init; }

    /// <summary>A time as the official runtime writes it (JavaScript's <c>Date.toISOString()</c>).</summary>
    public static string FormatTime(long unixMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
