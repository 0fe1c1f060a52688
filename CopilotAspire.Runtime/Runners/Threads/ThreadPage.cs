using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Runners.Threads;

/// <summary>A page of threads: <c>{"threads": […], "nextCursor": "…" | null}</c>.</summary>
/// <param name="Threads">Most recently updated first.</param>
/// <param name="NextCursor">Where the next page starts; <see langword="null"/> when this is the last page.</param>
public sealed record ThreadPage(
    IReadOnlyList<ThreadRecord> Threads,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);
