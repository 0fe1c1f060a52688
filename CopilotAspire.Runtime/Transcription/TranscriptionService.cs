namespace CopilotAspire.Runtime.Transcription;

/// <summary>Turns recorded audio into text for <c>POST {base}/transcribe</c>.</summary>
public abstract class TranscriptionService
{
    public abstract Task<string> TranscribeFileAsync(TranscribeFileOptions options, CancellationToken cancellationToken);
}
