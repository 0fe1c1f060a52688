using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Transcription;

/// <summary>The <c>/transcribe</c> reply: <c>{"text","size","type"}</c>.</summary>
public sealed record TranscriptionResult(string Text, long Size, string Type);

/// <summary>The <c>/transcribe</c> error body: <c>{"error","message","retryable"}</c> (<c>retryable</c> omitted when null).</summary>
public sealed record TranscriptionErrorBody(string Error, string Message, bool? Retryable);

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
