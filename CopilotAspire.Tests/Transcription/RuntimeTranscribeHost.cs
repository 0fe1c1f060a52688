using CopilotAspire.Runtime.Transcription;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Tests.Transcription;

/// <summary>
/// The runtime on a loopback Kestrel port (<see cref="RuntimeTestHost"/>: <c>AddCopilotRuntime</c> +
/// <c>MapCopilotRuntime</c>) with transcription: <c>AddOpenAICompatibleTranscription</c> bound to
/// <c>CopilotRuntime:Transcription</c>, and/or a given service. REST at <c>/api/copilotkit/transcribe</c>, single
/// route at <c>/api/copilotkit-single</c>.
/// </summary>
public static class RuntimeTranscribeHost
{
    /// <param name="service">The service to use, or <see langword="null"/> for none (unless <paramref name="transcription"/> configures one).</param>
    /// <param name="transcription">Settings of <c>CopilotRuntime:Transcription</c>, as the Api reads them.</param>
    /// <param name="configure">Extra service registrations (e.g. a handler on the transcription HttpClient, a log sink).</param>
    public static Task<RuntimeTestHost> StartAsync(TranscriptionService? service, IDictionary<string, string?>? transcription = null,
        Action<IServiceCollection>? configure = null) =>
        RuntimeTestHost.StartAsync(
            runtime =>
            {
                // AddCopilotRuntime binds CopilotRuntime:Transcription itself (AddOpenAICompatibleTranscription).
                if (service is not null)
                {
                    runtime.WithTranscriptionService(service);
                }
                configure?.Invoke(runtime.Services);
            },
            (transcription ?? new Dictionary<string, string?>()).ToDictionary(kv => "CopilotRuntime:Transcription:" + kv.Key, kv => kv.Value));

    /// <summary>A browser's upload to <c>/transcribe</c>: the recording as the multipart file field <c>audio</c>.</summary>
    public static MultipartFormDataContent Recording(byte[] audio, string type = "audio/wav", string fileName = "recording.wav") =>
        new() { { new ByteArrayContent(audio) { Headers = { ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(type) } }, "audio", fileName } };
}

/// <summary>Records what the handler passed and answers with a fixed text, or throws what it is told to.</summary>
public sealed class RecordingTranscriptionService(string text = "hello from audio") : TranscriptionService
{
    public Exception? Throw { get; set; }

    public TranscribeFileOptions? Last { get; private set; }

    public byte[]? LastAudio { get; private set; }

    public override async Task<string> TranscribeFileAsync(TranscribeFileOptions options, CancellationToken cancellationToken)
    {
        Last = options;
        using var copy = new MemoryStream();
        await options.Audio.CopyToAsync(copy, cancellationToken);
        LastAudio = copy.ToArray();
        if (Throw is { } ex)
        {
            throw ex;
        }
        return text;
    }
}
