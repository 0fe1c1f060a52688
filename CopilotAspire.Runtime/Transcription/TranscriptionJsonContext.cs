using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Transcription;

/// <summary>Source-generated JSON for <c>/transcribe</c>: camelCase, absent fields omitted, relaxed escaping.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TranscriptionResult))]
[JsonSerializable(typeof(TranscriptionErrorBody))]
internal sealed partial class TranscriptionJsonContext : JsonSerializerContext
{
    public static TranscriptionJsonContext Relaxed { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
