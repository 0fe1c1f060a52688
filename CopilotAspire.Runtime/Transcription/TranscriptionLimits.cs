namespace CopilotAspire.Runtime.Transcription;

/// <summary>Upload limit for <c>/transcribe</c> (placeholder until the transcription options land).</summary>
public sealed class TranscriptionLimits
{
    public const long DefaultMaxBytes = 25L * 1024 * 1024;

    public long MaxBytes { get; set; } = DefaultMaxBytes;
}
