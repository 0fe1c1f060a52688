namespace CopilotAspire.Transcriber.Audio;

/// <summary>The upload is not decodable audio (empty, corrupt, truncated, or no samples): the client's fault, answered 400.</summary>
public sealed class InvalidAudioException(string message, string code = InvalidAudioException.InvalidAudioCode, Exception? inner = null)
    : Exception(message, inner)
{
    public const string InvalidAudioCode = "invalid_audio";
    public const string AudioTooLongCode = "audio_too_long";

    /// <summary>OpenAI-style error code: <c>invalid_audio</c> or <c>audio_too_long</c>.</summary>
    public string Code { get; } = code;
}
