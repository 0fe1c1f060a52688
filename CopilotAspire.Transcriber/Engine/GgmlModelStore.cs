using System.Buffers.Binary;
using CopilotAspire.Transcriber.Hosting;
using CopilotAspire.Transcriber.Telemetry;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Transcriber.Engine;

/// <summary>
/// Finds the whisper.cpp ggml model file, downloading <c>ggml-{Model}.bin</c> first when it is missing and
/// <see cref="WhisperOptions.AutoDownload"/> is on, and checks that the file at least starts like a ggml model.
/// </summary>
public sealed class GgmlModelStore(HttpClient http, IOptions<WhisperOptions> options, ILogger<GgmlModelStore> logger)
{
    private const uint GgmlMagic = 0x67676d6c; // "ggml", little-endian

    public string ModelPath { get; } = options.Value.ResolveModelPath();

    /// <summary>Returns the full path of a model file that exists and has a ggml header.</summary>
    public async Task<string> EnsureModelAsync(CancellationToken cancellationToken)
    {
        var path = ModelPath;
        if (!File.Exists(path))
        {
            if (!options.Value.AutoDownload)
            {
                throw new SpeechModelUnavailableException(
                    $"The Whisper model file '{path}' does not exist. Put a ggml model there (Whisper:ModelPath) " +
                    $"or set Whisper:AutoDownload=true to download ggml-{options.Value.Model}.bin.");
            }
            await DownloadAsync(path, cancellationToken);
        }
        await ValidateAsync(path, cancellationToken);
        return path;
    }

    /// <summary>Throws <see cref="SpeechModelUnavailableException"/> unless <paramref name="path"/> starts with the ggml magic number.</summary>
    public static async Task ValidateAsync(string path, CancellationToken cancellationToken)
    {
        bool isGgml;
        try
        {
            isGgml = await HasGgmlHeaderAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SpeechModelUnavailableException($"The Whisper model file '{path}' cannot be read: {ex.Message}", ex);
        }
        if (!isGgml)
        {
            throw new SpeechModelUnavailableException($"The Whisper model file '{path}' is not a ggml model (it does not start with the ggml header).");
        }
    }

    private static async Task<bool> HasGgmlHeaderAsync(string path, CancellationToken cancellationToken)
    {
        var head = new byte[4];
        await using var file = File.OpenRead(path);
        var read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        return read == head.Length && BinaryPrimitives.ReadUInt32LittleEndian(head) == GgmlMagic;
    }

    private async Task DownloadAsync(string path, CancellationToken cancellationToken)
    {
        var url = new Uri(new Uri(options.Value.DownloadBaseUrl), $"ggml-{options.Value.Model}.bin");
        TranscriberLog.ModelDownloading(logger, url, path);
        var partial = $"{path}.{Guid.NewGuid():N}.download";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new SpeechModelUnavailableException(
                    $"The Whisper model file '{path}' does not exist and downloading it from {url} failed with HTTP {(int)response.StatusCode}.");
            }
            long bytes;
            await using (var file = File.Create(partial))
            {
                await response.Content.CopyToAsync(file, cancellationToken);
                bytes = file.Length;
            }
            if (!await HasGgmlHeaderAsync(partial, cancellationToken))
            {
                throw new SpeechModelUnavailableException(
                    $"The Whisper model file '{path}' does not exist and what {url} returned is not a ggml model.");
            }
            File.Move(partial, path, overwrite: true);
            TranscriberLog.ModelDownloaded(logger, path, bytes);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or UnauthorizedAccessException)
        {
            throw new SpeechModelUnavailableException(
                $"The Whisper model file '{path}' does not exist and downloading it from {url} failed: {ex.Message}", ex);
        }
        finally
        {
            if (File.Exists(partial))
            {
                File.Delete(partial);
            }
        }
    }
}
