using System.Text.Json;

namespace CopilotAspire.Testing;

/// <summary>A request <see cref="FakeOpenAiServer"/> received, and how it ended.</summary>
public sealed class RecordedRequest
{
    private readonly TaskCompletionSource<bool> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public required string Method { get; init; }

    /// <summary>The path, e.g. <c>/v1/chat/completions</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The query string including <c>?</c>, or <c>""</c>.</summary>
    public required string Query { get; init; }

    /// <summary>Request headers (names case-insensitive; multiple values joined with <c>, </c>).</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The raw body (UTF-8) for JSON requests; <c>""</c> for multipart.</summary>
    public required string Body { get; init; }

    /// <summary>The body parsed as JSON, when it is JSON.</summary>
    public JsonElement? Json { get; init; }

    /// <summary>Multipart form fields other than the file (transcription).</summary>
    public IReadOnlyDictionary<string, string> Form { get; init; } = new Dictionary<string, string>();

    /// <summary>The uploaded file (transcription).</summary>
    public RecordedFile? File { get; init; }

    /// <summary>Completes with <see langword="true"/> when the client aborted the request, <see langword="false"/> when the response ended normally.</summary>
    public Task<bool> Ended => _ended.Task;

    /// <summary>The <c>model</c> of a JSON body (or form), if any.</summary>
    public string? Model => Json is { ValueKind: JsonValueKind.Object } j && j.TryGetProperty("model", out var m) ? m.GetString()
        : Form.GetValueOrDefault("model");

    public string? Header(string name) => Headers.GetValueOrDefault(name);

    internal void SetEnded(bool aborted) => _ended.TrySetResult(aborted);
}
