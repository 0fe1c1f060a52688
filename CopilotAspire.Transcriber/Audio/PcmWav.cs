using System.Buffers.Binary;

namespace CopilotAspire.Transcriber.Audio;

/// <summary>Writes mono 16-bit PCM WAV, the format every speech engine (and Whisper.net's own parser) accepts.</summary>
public static class PcmWav
{
    private const int HeaderSize = 44;

    public static byte[] Write16BitMono(ReadOnlySpan<float> samples, int sampleRate)
    {
        var dataBytes = checked(samples.Length * 2);
        var wav = new byte[HeaderSize + dataBytes];
        var span = wav.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + dataBytes);
        "WAVE"u8.CopyTo(span[8..]);
        "fmt "u8.CopyTo(span[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);              // PCM
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);              // mono
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], sampleRate * 2); // byte rate
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);              // block align
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);             // bits per sample
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], dataBytes);

        var data = span[HeaderSize..];
        for (var i = 0; i < samples.Length; i++)
        {
            var s = Math.Clamp(samples[i], -1f, 1f);
            BinaryPrimitives.WriteInt16LittleEndian(data[(i * 2)..], (short)MathF.Round(s * 32767f));
        }
        return wav;
    }
}
