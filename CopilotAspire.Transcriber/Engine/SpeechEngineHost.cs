using CopilotAspire.Transcriber.Audio;
using CopilotAspire.Transcriber.Telemetry;
using Microsoft.Extensions.AI;

namespace CopilotAspire.Transcriber.Engine;

/// <summary>
/// Starts and stops whichever <see cref="ISpeechToTextClient"/> is registered when it is also a hosted service (the
/// Whisper engine loads its model that way, in the background, so the service listens at once).
/// </summary>
internal sealed class SpeechEngineHost(ISpeechToTextClient engine, FfmpegAudioDecoder ffmpeg, ILogger<SpeechEngineHost> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        TranscriberLog.EngineStarting(logger, engine.GetType().Name, ffmpeg.ExecutablePath ?? "not found (only WAV can be decoded)");
        return engine is IHostedService hosted ? hosted.StartAsync(cancellationToken) : Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        engine is IHostedService hosted ? hosted.StopAsync(cancellationToken) : Task.CompletedTask;
}
