namespace CopilotAspire.Transcriber.Audio;

/// <summary>Mono PCM samples in [-1, 1] at <see cref="SampleRate"/>.</summary>
public sealed record DecodedAudio(float[] Samples, int SampleRate)
{
    /// <summary>The sample rate Whisper works at.</summary>
    public const int WhisperSampleRate = 16_000;

    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);
}
