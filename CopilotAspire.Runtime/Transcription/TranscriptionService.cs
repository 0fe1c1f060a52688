namespace CopilotAspire.Runtime.Transcription;

/// <summary>Turns recorded audio into text for <c>POST {base}/transcribe</c>.</summary>
public abstract class TranscriptionService
{
    /// <summary>Transcribes one recording.</summary>
    /// <param name="options">The audio and what is known of it.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    /// <returns>The text.</returns>
    /// <exception cref="TranscriptionException">A failure with a known cause (too large, rate limited, …): the route
    /// answers with its code.</exception>
    public abstract Task<string> TranscribeFileAsync(TranscribeFileOptions options, CancellationToken cancellationToken);
}
