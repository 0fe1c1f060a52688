using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using CopilotAspire.Transcriber.Hosting;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Transcriber.Audio;

/// <summary>
/// Decodes compressed audio (webm/opus, ogg, mp3, m4a, flac…) to 16 kHz mono float samples with an ffmpeg process.
/// The upload goes through a temporary file, not a pipe: MP4/M4A keep their index at the end and need seeking.
/// ffmpeg never probes: it reads the file with the demuxer of the sniffed container (<c>-f</c>), and may open nothing but
/// local files (<c>-protocol_whitelist file</c>), so an upload cannot be a playlist or concat list naming other files.
/// </summary>
public sealed class FfmpegAudioDecoder
{
    private const int StderrLimit = 4096;

    public FfmpegAudioDecoder(IOptions<TranscriberOptions> options)
    {
        ExecutablePath = Locate(options.Value.FfmpegPath);
    }

    /// <summary>The ffmpeg executable, or <see langword="null"/> when none was found.</summary>
    public string? ExecutablePath { get; }

    public bool IsAvailable => ExecutablePath is not null;

    /// <summary>The ffmpeg demuxer (<c>-f</c>) for a container the sniffer recognised.</summary>
    public static string Demuxer(AudioContainer container) => container switch
    {
        AudioContainer.Wav => "wav",
        AudioContainer.WebM => "matroska", // matroska,webm
        AudioContainer.Ogg => "ogg",
        AudioContainer.Mp3 => "mp3",
        AudioContainer.Mp4 => "mov", // mov,mp4,m4a,3gp,3g2,mj2
        AudioContainer.Flac => "flac",
        AudioContainer.Aac => "aac",
        _ => throw new ArgumentOutOfRangeException(nameof(container), container, "Only recognised containers are decoded by ffmpeg."),
    };

    /// <param name="fileName">The client's name for the upload: only used to word error messages, never for the temporary file.</param>
    public async Task<DecodedAudio> DecodeAsync(
        ReadOnlyMemory<byte> audio, AudioContainer container, string fileName, TimeSpan maxDuration, CancellationToken cancellationToken)
    {
        var ffmpeg = ExecutablePath ?? throw new InvalidOperationException("ffmpeg is not available.");
        var demuxer = Demuxer(container);
        var input = Path.Combine(Path.GetTempPath(), $"transcriber-{Guid.NewGuid():N}.{demuxer}");
        try
        {
            await File.WriteAllBytesAsync(input, audio, cancellationToken);
            var start = new ProcessStartInfo(ffmpeg)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = false,
                UseShellExecute = false,
                CreateNoWindow = true,
            };
            // One second past the limit tells "too long" apart from "exactly at the limit" without decoding everything.
            var limitSeconds = (maxDuration.TotalSeconds + 1).ToString("0", System.Globalization.CultureInfo.InvariantCulture);
            foreach (var arg in (string[])["-nostdin", "-hide_banner", "-loglevel", "error",
                         "-protocol_whitelist", "file", "-f", demuxer, "-i", input, "-vn", "-sn", "-dn",
                         "-t", limitSeconds, "-ac", "1", "-ar", "16000", "-f", "f32le", "-acodec", "pcm_f32le", "pipe:1"])
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{ffmpeg}'.");
            await using var kill = cancellationToken.Register(() => TryKill(process));
            var stderr = ReadTailAsync(process.StandardError, cancellationToken);
            using var pcm = new MemoryStream();
            await process.StandardOutput.BaseStream.CopyToAsync(pcm, cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var errors = (await stderr).Replace(input, fileName, StringComparison.Ordinal).Trim();

            if (process.ExitCode != 0)
            {
                var reason = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
                throw new InvalidAudioException($"The audio could not be decoded: {reason ?? $"ffmpeg exited with code {process.ExitCode}"}.");
            }

            var samples = new float[pcm.Length / sizeof(float)];
            if (samples.Length == 0)
            {
                throw new InvalidAudioException("The file contains no audio samples.");
            }
            MemoryMarshal.Cast<byte, float>(pcm.GetBuffer().AsSpan(0, samples.Length * sizeof(float))).CopyTo(samples);
            var decoded = new DecodedAudio(samples, DecodedAudio.WhisperSampleRate);
            if (decoded.Duration > maxDuration)
            {
                throw WavDecoder.TooLong(maxDuration);
            }
            return decoded;
        }
        finally
        {
            TryDelete(input);
        }
    }

    private static async Task<string> ReadTailAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var tail = new StringBuilder();
        var buffer = new char[1024];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
        {
            tail.Append(buffer, 0, read);
            if (tail.Length > StderrLimit)
            {
                tail.Remove(0, tail.Length - StderrLimit);
            }
        }
        return tail.ToString();
    }

    private static string? Locate(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : null;
        }
        var name = OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg";
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // best effort: the temp folder is cleaned by the OS
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
