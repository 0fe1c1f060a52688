using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Http;

/// <summary>Every JSON error body of the runtime: <c>{"error", "code"?, "message"?, "details"?}</c> in that order.</summary>
/// <param name="Error">A short, stable text or code: <c>Not found</c>, <c>Agent not found</c>, <c>Invalid runId</c>,
/// <c>payload_too_large</c>, <c>runner_unavailable</c>, …</param>
/// <param name="Message">What went wrong, for people; omitted when <see langword="null"/>.</param>
/// <param name="Details">More about it (e.g. which field); omitted when <see langword="null"/>.</param>
/// <param name="Code">A machine-readable code next to <paramref name="Error"/>; omitted when <see langword="null"/>.</param>
public sealed record ErrorBody(string Error, string? Message = null, string? Details = null, string? Code = null)
{
    /// <summary>A machine-readable code, written second; omitted when <see langword="null"/>.</summary>
    [JsonPropertyOrder(1)] public string? Code { get; init; } = Code;
    /// <summary>What went wrong, for people, written third; omitted when <see langword="null"/>.</summary>
    [JsonPropertyOrder(2)] public string? Message { get; init; } = Message;
    /// <summary>More about it, written last; omitted when <see langword="null"/>.</summary>
    [JsonPropertyOrder(3)] public string? Details { get; init; } = Details;
}
