using System.Text.Encodings.Web;

namespace CopilotAspire.Runtime.Transcription;

/// <summary>The <c>/transcribe</c> reply: <c>{"text","size","type"}</c>.</summary>
public sealed record TranscriptionResult(string Text, long Size, string Type);
