using System.Collections.Frozen;
using System.Diagnostics;
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
/// Shutdown drains: once stopping, new work is refused (503) and running work gets up to
/// <see cref="WhisperOptions.ShutdownDrainSeconds"/> to end; the factory is disposed only when nothing runs, since
/// disposing it under a running processor crashes the process.
/// </summary>
public sealed class WhisperSpeechEngine(GgmlModelStore store, IOptions<WhisperOptions> whisperOptions, ILogger<WhisperSpeechEngine> logger)
    : BackgroundService, ISpeechToTextClient
{
    private readonly SpeechEngineStatus _status = new(SpeechEngineState.Loading, $"Loading the Whisper model '{store.ModelPath}'.");
    private readonly TaskCompletionSource<WhisperFactory> _factory = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _runsLock = new();
    private int _running;
    private bool _stopping;
    private TaskCompletionSource? _drained;
    private SpeechLanguages? _languages;
    private int _disposed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var path = store.ModelPath;
        try
        {
            TranscriberLog.ModelLoading(logger, path);
            path = await store.EnsureModelAsync(stoppingToken);
            var factory = await Task.Run(() => Load(path), stoppingToken);
            _languages = new SpeechLanguages(WhisperFactory.GetSupportedLanguages().ToFrozenSet(StringComparer.Ordinal));
            _factory.TrySetResult(factory);
            _status.Set(SpeechEngineState.Ready, $"Whisper model '{path}' loaded.");
            TranscriberLog.ModelLoaded(logger, path, WhisperFactory.GetRuntimeInfo() ?? "unknown", whisperOptions.Value.EffectiveThreads);
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
        if (!TryEnterRun())
        {
            throw new SpeechEngineUnavailableException("The Transcriber is shutting down.");
        }
        try
        {
            await foreach (var update in RunAsync(factory, samples, options, cancellationToken))
            {
                yield return update;
            }
        }
        finally
        {
            ExitRun();
        }
    }

    /// <summary>Runs one processor over <paramref name="samples"/>; returns only once its native work has ended.</summary>
    private async IAsyncEnumerable<SpeechToTextResponseUpdate> RunAsync(
        WhisperFactory factory, float[] samples, SpeechToTextOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {

        var builder = factory.CreateBuilder()
            .WithLanguage(string.IsNullOrWhiteSpace(options?.SpeechLanguage) ? "auto" : options.SpeechLanguage)
            .WithThreads(whisperOptions.Value.EffectiveThreads);
        if (options?.AdditionalProperties?.TryGetValue("prompt", out string? prompt) == true && !string.IsNullOrWhiteSpace(prompt))
        {
            builder = builder.WithPrompt(prompt);
        }
        if (options?.AdditionalProperties?.TryGetValue("temperature", out float temperature) == true)
        {
            builder = builder.WithTemperature(temperature);
        }

        // One processor per request: a WhisperProcessor must not run two transcriptions at once. Its DisposeAsync
        // waits for the native run, which goes on for a while after a cancellation: the caller's engine slot is
        // released only after that.
        var started = Stopwatch.GetTimestamp();
        WhisperLog.RunStarted(logger, samples.Length / (double)DecodedAudio.WhisperSampleRate);
        await using var ended = new RunEnd(logger, started, cancellationToken);
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

    private bool TryEnterRun()
    {
        lock (_runsLock)
        {
            if (_stopping)
            {
                return false;
            }
            _running++;
            return true;
        }
    }

    private void ExitRun()
    {
        lock (_runsLock)
        {
            if (--_running == 0)
            {
                _drained?.TrySetResult();
            }
        }
    }

    /// <summary>Stops admitting work, then waits (bounded) for the running transcriptions to end.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Task drained;
        lock (_runsLock)
        {
            _stopping = true;
            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_running == 0)
            {
                _drained.TrySetResult();
            }
            drained = _drained.Task;
        }
        if (_status.IsReady)
        {
            _status.Set(SpeechEngineState.Failed, "The Transcriber is shutting down.");
        }
        if (!drained.IsCompleted)
        {
            WhisperLog.Draining(logger, Volatile.Read(ref _running));
            try
            {
                await drained.WaitAsync(TimeSpan.FromSeconds(whisperOptions.Value.ShutdownDrainSeconds), cancellationToken);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                WhisperLog.DrainTimedOut(logger, Volatile.Read(ref _running));
            }
        }
        await base.StopAsync(cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(SpeechEngineStatus) ? _status
        : serviceType == typeof(SpeechLanguages) ? _languages
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
            lock (_runsLock)
            {
                _stopping = true;
                if (_running > 0)
                {
                    // Disposing the factory under a running processor crashes the process: leave it to the OS.
                    WhisperLog.FactoryLeaked(logger, _running);
                    base.Dispose();
                    return;
                }
            }
            _factory.Task.Result.Dispose();
        }
        base.Dispose();
    }
}

/// <summary>Logs the end of a native run (when the processor's disposal has waited for it).</summary>
internal sealed class RunEnd(ILogger logger, long started, CancellationToken cancellationToken) : IAsyncDisposable
{
    public ValueTask DisposeAsync()
    {
        WhisperLog.RunEnded(logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds, cancellationToken.IsCancellationRequested);
        return ValueTask.CompletedTask;
    }
}

internal static partial class WhisperLog
{
    [LoggerMessage(30, LogLevel.Debug, "Whisper run started on {AudioSeconds:0.0} s of audio", EventName = "RunStarted")]
    public static partial void RunStarted(ILogger logger, double audioSeconds);

    [LoggerMessage(31, LogLevel.Debug, "Whisper run ended after {ElapsedMs:0} ms (cancelled: {Cancelled})", EventName = "RunEnded")]
    public static partial void RunEnded(ILogger logger, double elapsedMs, bool cancelled);

    [LoggerMessage(32, LogLevel.Information, "Shutting down: waiting for {Running} running transcription(s)", EventName = "Draining")]
    public static partial void Draining(ILogger logger, int running);

    [LoggerMessage(33, LogLevel.Warning, "Shutting down with {Running} transcription(s) still running after the drain timeout", EventName = "DrainTimedOut")]
    public static partial void DrainTimedOut(ILogger logger, int running);

    [LoggerMessage(34, LogLevel.Warning, "The Whisper model is not disposed: {Running} transcription(s) still run natively", EventName = "FactoryLeaked")]
    public static partial void FactoryLeaked(ILogger logger, int running);
}
