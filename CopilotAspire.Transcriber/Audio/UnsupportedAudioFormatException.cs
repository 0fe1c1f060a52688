namespace CopilotAspire.Transcriber.Audio;

/// <summary>The audio is in a format this instance cannot decode (no ffmpeg on PATH): answered 415.</summary>
public sealed class UnsupportedAudioFormatException(string message) : Exception(message);
