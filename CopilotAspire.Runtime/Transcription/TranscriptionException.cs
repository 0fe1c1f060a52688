namespace CopilotAspire.Runtime.Transcription;

/// <summary>
/// A transcription failure with a known cause. <see cref="TranscriptionRequestHandler"/> maps it to the error body of
/// wire spec §8.2 by <see cref="Code"/> (never by message text).
/// </summary>
public sealed class TranscriptionException : Exception
{
    /// <summary>A failure of cause <paramref name="code"/>.</summary>
    /// <param name="code">The cause; it decides the status and <c>error</c> of the answer.</param>
    /// <param name="message">The answer's <c>message</c>, for people.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    /// <param name="providerStatusCode">The HTTP status the provider answered, if it answered.</param>
    public TranscriptionException(TranscriptionErrorCode code, string message, Exception? innerException = null, int? providerStatusCode = null)
        : base(message, innerException)
    {
        Code = code;
        ProviderStatusCode = providerStatusCode;
    }

    /// <summary>
    /// The cause, mapped to the answer's status and <c>error</c> (<see cref="TranscriptionRequestHandler.WireCode"/>,
    /// <see cref="TranscriptionRequestHandler.StatusCode"/>).
    /// </summary>
    public TranscriptionErrorCode Code { get; }

    /// <summary>The HTTP status the provider answered, when it answered.</summary>
    public int? ProviderStatusCode { get; }
}
