using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CopilotAspire.Transcriber.Api;

/// <summary><c>{"error":{"message","type","param","code"}}</c>, as OpenAI sends errors (param and code may be null).</summary>
public sealed record OpenAiErrorResponse(OpenAiError Error);

public sealed record OpenAiError(string Message, string Type, string? Param, string? Code);

/// <summary><c>response_format=json</c>.</summary>
public sealed record TranscriptionJson(string Text);

/// <summary><c>response_format=verbose_json</c>.</summary>
public sealed record VerboseTranscriptionJson(string Task, string Language, double Duration, string Text, IReadOnlyList<SegmentJson> Segments);

public sealed record SegmentJson(int Id, double Start, double End, string Text);

/// <summary><c>GET /v1/models</c>.</summary>
public sealed record ModelListJson(string Object, IReadOnlyList<ModelJson> Data);

public sealed record ModelJson(string Id, string Object, long Created, string OwnedBy);

/// <summary>Source-generated JSON for the OpenAI-compatible API: snake_case, relaxed escaping.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OpenAiErrorResponse))]
[JsonSerializable(typeof(TranscriptionJson))]
[JsonSerializable(typeof(VerboseTranscriptionJson))]
[JsonSerializable(typeof(ModelListJson))]
public sealed partial class TranscriberJsonContext : JsonSerializerContext
{
    /// <summary>The context bound to options with relaxed escaping (transcripts keep their non-ASCII text literal).</summary>
    public static TranscriberJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
