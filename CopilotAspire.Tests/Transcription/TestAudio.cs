using System.Buffers.Binary;

namespace CopilotAspire.Tests.Transcription;

/// <summary>Audio made by the tests: sine-wave WAV files in any layout, and compressed files made by a real ffmpeg.</summary>
public static class TestAudio
{
    /// <summary>A sine tone as WAV. <paramref name="bits"/> 8/16/24/32 integer, or 32/64 with <paramref name="ieeeFloat"/>.</summary>
    public static byte[] SineWav(int sampleRate, int channels, int bits, bool ieeeFloat = false, double seconds = 1, double frequency = 440,
        bool extensible = false, bool invertOddChannels = false)
    {
        var bytesPerSample = bits / 8;
        var frames = (int)(sampleRate * seconds);
        var blockAlign = channels * bytesPerSample;
        var dataBytes = frames * blockAlign;
        var fmtSize = extensible ? 40 : 16;
        var wav = new byte[12 + 8 + fmtSize + 8 + dataBytes];
        var s = wav.AsSpan();
        "RIFF"u8.CopyTo(s);
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], wav.Length - 8);
        "WAVE"u8.CopyTo(s[8..]);
        "fmt "u8.CopyTo(s[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[16..], fmtSize);
        var tag = (ushort)(ieeeFloat ? 3 : 1);
        BinaryPrimitives.WriteUInt16LittleEndian(s[20..], extensible ? (ushort)0xFFFE : tag);
        BinaryPrimitives.WriteUInt16LittleEndian(s[22..], (ushort)channels);
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(s[28..], sampleRate * blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(s[32..], (ushort)blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(s[34..], (ushort)bits);
        if (extensible)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(s[36..], 22);          // cbSize
            BinaryPrimitives.WriteUInt16LittleEndian(s[38..], (ushort)bits); // valid bits
            BinaryPrimitives.WriteUInt32LittleEndian(s[40..], 0);           // channel mask
            BinaryPrimitives.WriteUInt16LittleEndian(s[44..], tag);         // sub-format GUID starts with the format tag
        }
        var data = s[(20 + fmtSize)..];
        "data"u8.CopyTo(data);
        BinaryPrimitives.WriteInt32LittleEndian(data[4..], dataBytes);
        data = data[8..];
        for (var i = 0; i < frames; i++)
        {
            var tone = 0.5 * Math.Sin(2 * Math.PI * frequency * i / sampleRate);
            for (var c = 0; c < channels; c++)
            {
                var value = invertOddChannels && c % 2 == 1 ? -tone : tone;
                var sample = data.Slice((i * channels + c) * bytesPerSample, bytesPerSample);
                switch (ieeeFloat, bits)
                {
                    case (true, 32): BinaryPrimitives.WriteSingleLittleEndian(sample, (float)value); break;
                    case (true, _): BinaryPrimitives.WriteDoubleLittleEndian(sample, value); break;
                    case (false, 8): sample[0] = (byte)(128 + Math.Round(value * 127)); break;
                    case (false, 16): BinaryPrimitives.WriteInt16LittleEndian(sample, (short)Math.Round(value * short.MaxValue)); break;
                    case (false, 24):
                        var v24 = (int)Math.Round(value * 8388607);
                        sample[0] = (byte)v24; sample[1] = (byte)(v24 >> 8); sample[2] = (byte)(v24 >> 16);
                        break;
                    default: BinaryPrimitives.WriteInt32LittleEndian(sample, (int)Math.Round(value * int.MaxValue)); break;
                }
            }
        }
        return wav;
    }

    public static string? FfmpegPath { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg"))
        .FirstOrDefault(File.Exists);

    /// <summary>A one-second 440 Hz tone encoded by ffmpeg (<c>-f lavfi -i sine</c>) into a file named <paramref name="fileName"/>.</summary>
    public static Task<byte[]> FfmpegSineAsync(string fileName, CancellationToken cancellationToken, params string[] codecArgs) =>
        InTempDirectoryAsync(async dir =>
        {
            var output = Path.Combine(dir, fileName);
            await RunAsync(FfmpegPath ?? throw new InvalidOperationException("ffmpeg is not on PATH."),
                ["-nostdin", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", .. codecArgs, output], cancellationToken);
            return await File.ReadAllBytesAsync(output, cancellationToken);
        });

    /// <summary><paramref name="wav"/> converted by ffmpeg into a file named <paramref name="fileName"/> (its extension picks the container).</summary>
    public static Task<byte[]> FfmpegConvertAsync(byte[] wav, string fileName, CancellationToken cancellationToken, params string[] codecArgs) =>
        InTempDirectoryAsync(async dir =>
        {
            var input = Path.Combine(dir, "input.wav");
            var output = Path.Combine(dir, fileName);
            await File.WriteAllBytesAsync(input, wav, cancellationToken);
            await RunAsync(FfmpegPath ?? throw new InvalidOperationException("ffmpeg is not on PATH."),
                ["-nostdin", "-hide_banner", "-loglevel", "error", "-i", input, .. codecArgs, output], cancellationToken);
            return await File.ReadAllBytesAsync(output, cancellationToken);
        });

    /// <summary><paramref name="text"/> spoken by espeak-ng, as the WAV it writes (22.05 kHz mono 16-bit).</summary>
    public static Task<byte[]> SpeechAsync(string text, CancellationToken cancellationToken) =>
        InTempDirectoryAsync(async dir =>
        {
            var output = Path.Combine(dir, "speech.wav");
            await RunAsync("espeak-ng", ["-v", "en", "-w", output, text], cancellationToken);
            return await File.ReadAllBytesAsync(output, cancellationToken);
        });

    private static async Task<byte[]> InTempDirectoryAsync(Func<string, Task<byte[]>> make)
    {
        var dir = Directory.CreateTempSubdirectory("transcriber-tests-");
        try
        {
            return await make(dir.FullName);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task RunAsync(string program, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var (exitCode, _, stderr) = await ProcessRun.RunAsync(program, args, null, Timeout.InfiniteTimeSpan, cancellationToken);
        Assert.True(exitCode == 0, $"{program} {string.Join(' ', args)} failed: {stderr}");
    }
}
