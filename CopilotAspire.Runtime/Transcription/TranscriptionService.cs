namespace CopilotAspire.Runtime.Transcription;

/// <summary>Turns recorded audio into text for <c>POST {base}/transcribe</c>.</summary>
public abstract class TranscriptionService
{
    public abstract Task<string> TranscribeFileAsync(TranscribeFileOptions options, CancellationToken cancellationToken);
}

/// <summary>The uploaded audio: its bytes, MIME type (as sent, e.g. <c>audio/webm;codecs=opus</c>), file name and size.</summary>
public sealed record TranscribeFileOptions(Stream Audio, string MimeType, string FileName, long Size);
