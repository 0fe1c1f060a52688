using System.Text.Encodings.Web;

namespace CopilotAspire.Runtime.Transcription;

/// <summary>The <c>/transcribe</c> error body: <c>{"error","message","retryable"}</c> (<c>retryable</c> omitted when null).</summary>
public sealed record TranscriptionErrorBody(string Error, string Message, bool? Retryable);
