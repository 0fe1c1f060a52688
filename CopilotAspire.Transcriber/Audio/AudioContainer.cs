namespace CopilotAspire.Transcriber.Audio;

/// <summary>Audio containers recognised by their leading bytes.</summary>
public enum AudioContainer
{
    Unknown,
    Wav,
    WebM,
    Ogg,
    Mp3,
    Mp4,
    Flac,
    Aac,
}
