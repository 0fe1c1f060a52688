using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Http;

/// <summary>Every JSON error body of the runtime: <c>{"error", "code"?, "message"?, "details"?}</c> in that order.</summary>
public sealed record ErrorBody(string Error, string? Message = null, string? Details = null, string? Code = null)
{
    [JsonPropertyOrder(1)] public string? Code { get; init; } = Code;
    [JsonPropertyOrder(2)] public string? Message { get; init; } = Message;
    [JsonPropertyOrder(3)] public string? Details { get; init; } = Details;
}
