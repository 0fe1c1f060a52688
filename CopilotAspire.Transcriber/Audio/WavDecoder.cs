using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace CopilotAspire.Transcriber.Audio;

/// <summary>
/// Reads RIFF/WAVE audio of any sample rate and channel count with 8/16/24/32-bit integer or 32/64-bit float
/// samples (plain or WAVE_FORMAT_EXTENSIBLE) into mono floats: channels are averaged.
/// </summary>
public static class WavDecoder
{
    private const int FormatPcm = 0x0001;
    private const int FormatIeeeFloat = 0x0003;
    private const int FormatExtensible = 0xFFFE;

    /// <summary>The <c>fmt </c> chunk of a WAV file.</summary>
    public readonly record struct WavFormat(int Encoding, int Channels, int SampleRate, int BlockAlign, int BitsPerSample)
    {
        public int BytesPerSample => BlockAlign / Channels;
    }

    /// <summary>
    /// Decodes <paramref name="wav"/> to mono samples at the file's own rate. Returns <see langword="null"/> when the
    /// file is a valid WAV whose encoding is not plain PCM or float (μ-law, A-law, ADPCM…): an external decoder may
    /// still read it. Throws <see cref="InvalidAudioException"/> for broken files, files with no samples, and files
    /// longer than <paramref name="maxDuration"/>.
    /// </summary>
    public static DecodedAudio? Decode(ReadOnlySpan<byte> wav, TimeSpan maxDuration)
    {
        var (format, dataOffset, dataLength) = ReadChunks(wav);
        var data = wav.Slice(dataOffset, dataLength);
        var bytesPerSample = format.BytesPerSample;
        var decodable = format.Encoding switch
        {
            FormatPcm => bytesPerSample is >= 1 and <= 4 && format.BitsPerSample <= bytesPerSample * 8,
            FormatIeeeFloat => bytesPerSample is 4 or 8,
            _ => false,
        };
        if (!decodable)
        {
            return null;
        }

        var frames = data.Length / format.BlockAlign;
        if (frames == 0)
        {
            throw new InvalidAudioException("The WAV file contains no audio samples.");
        }
        if ((double)frames / format.SampleRate > maxDuration.TotalSeconds)
        {
            throw TooLong(maxDuration);
        }

        var mono = new float[frames];
        Mix(data[..(frames * format.BlockAlign)], format, mono);
        return new DecodedAudio(mono, format.SampleRate);
    }

    /// <summary>Reads only the <c>fmt </c> chunk (throws <see cref="InvalidAudioException"/> when the file is broken).</summary>
    public static WavFormat ReadFormat(ReadOnlySpan<byte> wav) => ReadChunks(wav).Format;

    internal static InvalidAudioException TooLong(TimeSpan maxDuration) =>
        new($"The audio is longer than the {maxDuration.TotalSeconds:0} s this service accepts.", InvalidAudioException.AudioTooLongCode);

    private static (WavFormat Format, int DataOffset, int DataLength) ReadChunks(ReadOnlySpan<byte> wav)
    {
        if (AudioSniffer.Detect(wav) != AudioContainer.Wav)
        {
            throw new InvalidAudioException("The file is not a RIFF/WAVE file.");
        }

        WavFormat? format = null;
        var pos = 12;
        while ((long)pos + 8 <= wav.Length)
        {
            var id = wav.Slice(pos, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(wav.Slice(pos + 4, 4));
            pos += 8;
            var available = wav.Length - pos;
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || size > available)
                {
                    throw new InvalidAudioException("The WAV file's format chunk is truncated.");
                }
                format = ParseFormat(wav.Slice(pos, (int)size));
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (format is null)
                {
                    break;
                }
                // Streaming writers leave the size unknown (0xFFFFFFFF) or too large; take what arrived.
                var length = size > available ? available : (int)size;
                return (format.Value, pos, length);
            }
            pos = (int)Math.Min(wav.Length, pos + (long)size + (size & 1));
        }

        throw new InvalidAudioException(format is null
            ? "The WAV file has no format chunk before its data."
            : "The WAV file has no data chunk.");
    }

    private static WavFormat ParseFormat(ReadOnlySpan<byte> fmt)
    {
        int encoding = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        var sampleRate = BinaryPrimitives.ReadInt32LittleEndian(fmt[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (encoding == FormatExtensible && fmt.Length >= 40)
        {
            encoding = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]); // first two bytes of the sub-format GUID
        }

        if (channels is < 1 or > 64)
        {
            throw new InvalidAudioException($"The WAV file declares {channels} channels.");
        }
        if (sampleRate is < 1000 or > 768_000)
        {
            throw new InvalidAudioException($"The WAV file declares a sample rate of {sampleRate} Hz.");
        }
        if (blockAlign < channels || blockAlign % channels != 0)
        {
            throw new InvalidAudioException($"The WAV file declares a block size of {blockAlign} bytes for {channels} channels.");
        }
        return new WavFormat(encoding, channels, sampleRate, blockAlign, bits);
    }

    private static void Mix(ReadOnlySpan<byte> data, WavFormat format, Span<float> mono)
    {
        if (format.Encoding == FormatPcm && format.BytesPerSample == 2 && BitConverter.IsLittleEndian)
        {
            Mix16(MemoryMarshal.Cast<byte, short>(data), format.Channels, mono); // the common case, without per-sample dispatch
            return;
        }
        var channels = format.Channels;
        var width = format.BytesPerSample;
        var scale = 1f / channels;
        var isFloat = format.Encoding == FormatIeeeFloat;
        for (var frame = 0; frame < mono.Length; frame++)
        {
            var block = data.Slice(frame * format.BlockAlign, format.BlockAlign);
            var sum = 0f;
            for (var c = 0; c < channels; c++)
            {
                var s = block.Slice(c * width, width);
                sum += (isFloat, width) switch
                {
                    (true, 4) => BinaryPrimitives.ReadSingleLittleEndian(s),
                    (true, _) => (float)BinaryPrimitives.ReadDoubleLittleEndian(s),
                    (false, 1) => (s[0] - 128) / 128f,
                    (false, 2) => BinaryPrimitives.ReadInt16LittleEndian(s) / 32768f,
                    (false, 3) => ((s[0] << 8) | (s[1] << 16) | (s[2] << 24)) / 2147483648f,
                    _ => BinaryPrimitives.ReadInt32LittleEndian(s) / 2147483648f,
                };
            }
            mono[frame] = channels == 1 ? sum : sum * scale;
        }
    }

    private static void Mix16(ReadOnlySpan<short> samples, int channels, Span<float> mono)
    {
        var scale = 1f / (32768f * channels);
        for (var frame = 0; frame < mono.Length; frame++)
        {
            var block = samples.Slice(frame * channels, channels);
            var sum = 0;
            foreach (var s in block)
            {
                sum += s;
            }
            mono[frame] = sum * scale;
        }
    }
}
