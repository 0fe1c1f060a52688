using CopilotAspire.Transcriber.Hosting;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Transcriber.Audio;

/// <summary>
/// Turns an upload into the 16 kHz mono PCM Whisper needs: WAV is decoded and resampled here, the other containers the
/// sniffer recognises go through ffmpeg when it is installed. Anything else is refused before ffmpeg sees it: ffmpeg's
/// own probing would accept playlists and other formats that open further files on the server.
/// </summary>
public sealed class AudioDecoder(FfmpegAudioDecoder ffmpeg, IOptions<TranscriberOptions> options)
{
    private readonly TimeSpan _maxDuration = TimeSpan.FromSeconds(options.Value.MaxAudioSeconds);

    public async Task<DecodedAudio> DecodeAsync(ReadOnlyMemory<byte> audio, string fileName, CancellationToken cancellationToken)
    {
        if (audio.IsEmpty)
        {
            throw new InvalidAudioException("The audio file is empty.");
        }

        var container = AudioSniffer.Detect(audio.Span);
        if (container == AudioContainer.Wav && WavDecoder.Decode(audio.Span, _maxDuration) is { } wav)
        {
            return wav.SampleRate == DecodedAudio.WhisperSampleRate
                ? wav
                : new DecodedAudio(Resampler.Resample(wav.Samples, wav.SampleRate, DecodedAudio.WhisperSampleRate), DecodedAudio.WhisperSampleRate);
        }

        if (container == AudioContainer.Unknown)
        {
            throw new InvalidAudioException(
                "The file is not audio in a recognised format. Send WAV, or webm/ogg/mp3/m4a/flac/aac to a Transcriber that has ffmpeg.");
        }

        if (!ffmpeg.IsAvailable)
        {
            throw new UnsupportedAudioFormatException(
                $"Decoding {Describe(container)} audio needs ffmpeg, which is not installed on this Transcriber. " +
                "Install ffmpeg (e.g. 'apt-get install ffmpeg') and put it on PATH (or set Transcriber:FfmpegPath), or send 16-bit PCM WAV.");
        }

        return await ffmpeg.DecodeAsync(audio, container, fileName, _maxDuration, cancellationToken);
    }

    private static string Describe(AudioContainer container) => container switch
    {
        AudioContainer.Wav => "compressed WAV (not PCM or float)",
        AudioContainer.WebM => "WebM/Matroska",
        AudioContainer.Mp4 => "MP4/M4A",
        _ => container.ToString().ToUpperInvariant(),
    };
}
