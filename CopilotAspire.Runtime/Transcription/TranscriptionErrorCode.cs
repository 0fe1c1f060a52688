namespace CopilotAspire.Runtime.Transcription;

/// <summary>Why a transcription failed; decides the HTTP status and <c>retryable</c> of the <c>/transcribe</c> error.</summary>
public enum TranscriptionErrorCode
{
    /// <summary>500 (or the provider's 503), retryable.</summary>
    ProviderError,
    /// <summary>503: no transcription service is configured.</summary>
    ServiceNotConfigured,
    /// <summary>400: the request is malformed.</summary>
    InvalidRequest,
    /// <summary>400: the audio is not in a format the provider accepts, or is corrupt.</summary>
    InvalidAudioFormat,
    /// <summary>400: the audio is longer than the provider accepts.</summary>
    AudioTooLong,
    /// <summary>400: the audio is too short to transcribe.</summary>
    AudioTooShort,
    /// <summary>413: the upload is larger than the limit.</summary>
    AudioTooLarge,
    /// <summary>429, retryable.</summary>
    RateLimited,
    /// <summary>401: the provider rejected the credentials.</summary>
    AuthFailed,
    /// <summary>502, retryable: the provider could not be reached or timed out.</summary>
    NetworkError,
}
