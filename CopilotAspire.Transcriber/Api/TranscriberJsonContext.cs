using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CopilotAspire.Transcriber.Api;

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
