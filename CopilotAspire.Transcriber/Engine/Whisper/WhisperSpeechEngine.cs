using System.Runtime.CompilerServices;
using CopilotAspire.Transcriber.Audio;
using CopilotAspire.Transcriber.Hosting;
using CopilotAspire.Transcriber.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Whisper.net;

namespace CopilotAspire.Transcriber.Engine.Whisper;

/// <summary>
/// Whisper.net behind <see cref="ISpeechToTextClient"/>. The ggml model is loaded once, in the background, when the
/// host starts (downloaded first when configured); until then, or when it fails, the engine reports a non-ready
/// <see cref="SpeechEngineStatus"/> naming the model path. Each transcription gets its own processor.
/// Input: a WAV stream (the Transcriber sends 16 kHz mono 16-bit PCM; other rates are resampled).
/// </summary>
public sealed class WhisperSpeechEngine(GgmlModelStore store, IOptions<WhisperOptions> whisperOptions, ILogger<WhisperSpeechEngine> logger)
    : BackgroundService, ISpeechToTextClient
{
    private readonly SpeechEngineStatus _status = new(SpeechEngineState.Loading, $"Loading the Whisper model '{store.ModelPath}'.");
    private readonly TaskCompletionSource<WhisperFactory> _factory = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var path = store.ModelPath;
        try
        {
            TranscriberLog.ModelLoading(logger, path);
            path = await store.EnsureModelAsync(stoppingToken);
            var factory = await Task.Run(() => Load(path), stoppingToken);
            _factory.TrySetResult(factory);
            _status.Set(SpeechEngineState.Ready, $"Whisper model '{path}' loaded.");
            TranscriberLog.ModelLoaded(logger, path, WhisperFactory.GetRuntimeInfo() ?? "unknown");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _factory.TrySetCanceled(stoppingToken);
        }
        catch (Exception ex)
        {
            var message = ex is SpeechModelUnavailableException
                ? ex.Message
                : $"The Whisper model '{path}' could not be loaded: {ex.Message}";
            _status.Set(SpeechEngineState.Failed, message);
            TranscriberLog.ModelFailed(logger, ex, message);
            _factory.TrySetException(new SpeechEngineUnavailableException(message));
        }
    }

    private static WhisperFactory Load(string path)
    {
        // FromPath does not fail on a bad model; the failure surfaces at CreateBuilder().
        var factory = WhisperFactory.FromPath(path);
        try
        {
            using var probe = factory.CreateBuilder().Build();
            return factory;
        }
        catch
        {
            factory.Dispose();
            throw;
        }
    }

    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingTextAsync(audioSpeechStream, options, cancellationToken).ToSpeechToTextResponseAsync(cancellationToken);

    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(
        Stream audioSpeechStream, SpeechToTextOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!_status.IsReady)
        {
            throw new SpeechEngineUnavailableException(_status.Description);
        }
        var factory = await _factory.Task.WaitAsync(cancellationToken);
        var samples = await ReadSamplesAsync(audioSpeechStream, cancellationToken);

        var builder = factory.CreateBuilder()
            .WithLanguage(string.IsNullOrWhiteSpace(options?.SpeechLanguage) ? "auto" : options.SpeechLanguage);
        if (whisperOptions.Value.Threads > 0)
        {
            builder = builder.WithThreads(whisperOptions.Value.Threads);
        }
        if (options?.AdditionalProperties?.TryGetValue("prompt", out string? prompt) == true && !string.IsNullOrWhiteSpace(prompt))
        {
            builder = builder.WithPrompt(prompt);
        }
        if (options?.AdditionalProperties?.TryGetValue("temperature", out float temperature) == true)
        {
            builder = builder.WithTemperature(temperature);
        }

        // One processor per request: a WhisperProcessor must not run two transcriptions at once.
        await using var processor = builder.Build();
        await foreach (var segment in processor.ProcessAsync(samples, cancellationToken))
        {
            yield return new SpeechToTextResponseUpdate(segment.Text)
            {
                Kind = SpeechToTextResponseUpdateKind.TextUpdated,
                StartTime = segment.Start,
                EndTime = segment.End,
                ModelId = options?.ModelId,
                AdditionalProperties = new() { ["language"] = segment.Language },
            };
        }
    }

    private static async Task<float[]> ReadSamplesAsync(Stream wav, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await wav.CopyToAsync(buffer, cancellationToken);
        var audio = WavDecoder.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), TimeSpan.MaxValue)
            ?? throw new InvalidAudioException("The Whisper engine reads PCM or float WAV only.");
        return audio.SampleRate == DecodedAudio.WhisperSampleRate
            ? audio.Samples
            : Resampler.Resample(audio.Samples, audio.SampleRate, DecodedAudio.WhisperSampleRate);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(SpeechEngineStatus) ? _status
        : serviceType == typeof(SpeechToTextClientMetadata) ? new SpeechToTextClientMetadata("whisper.net", null, whisperOptions.Value.Model)
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (_factory.Task.IsCompletedSuccessfully)
        {
            _factory.Task.Result.Dispose();
        }
        base.Dispose();
    }
}
