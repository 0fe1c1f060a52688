namespace CopilotAspire.Runtime.Transcription;

/// <summary>
/// A transcription failure with a known cause. <see cref="TranscriptionRequestHandler"/> maps it to the error body of
/// wire spec §8.2 by <see cref="Code"/> (never by message text).
/// </summary>
public sealed class TranscriptionException : Exception
{
    public TranscriptionException(TranscriptionErrorCode code, string message, Exception? innerException = null, int? providerStatusCode = null)
        : base(message, innerException)
    {
        Code = code;
        ProviderStatusCode = providerStatusCode;
    }

    public TranscriptionErrorCode Code { get; }

    /// <summary>The HTTP status the provider answered, when it answered.</summary>
    public int? ProviderStatusCode { get; }
}
