using CopilotAspire.Transcriber.Api;
using CopilotAspire.Transcriber.Audio;
using CopilotAspire.Transcriber.Engine;
using CopilotAspire.Transcriber.Processing;
using CopilotAspire.Transcriber.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CopilotAspire.Transcriber.Hosting;

public static class TranscriberHostingExtensions
{
    /// <summary>
    /// Registers the transcription API, its limits (section <c>Transcriber</c>), audio decoding, the speech engine
    /// (Whisper.net when built with it, section <c>Whisper</c>), its health check and telemetry.
    /// </summary>
    public static IHostApplicationBuilder AddTranscriber(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TranscriberOptions>().BindConfiguration(TranscriberOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TranscriberOptions>, TranscriberOptionsValidator>();
        services.AddOptions<WhisperOptions>().BindConfiguration(WhisperOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WhisperOptions>, WhisperOptionsValidator>();

        services.AddSingleton<TranscriberTelemetry>();
        services.AddSingleton<FfmpegAudioDecoder>();
        services.AddSingleton<AudioDecoder>();
        services.AddSingleton<TranscriptionGate>();
        services.AddSingleton<TranscriptionProcessor>();
        services.AddSingleton<TranscriptionsEndpoint>();

        // A model download can take minutes: the standard resilience handler's 10 s/30 s timeouts must not apply.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental
        services.AddHttpClient<GgmlModelStore>(http => http.Timeout = Timeout.InfiniteTimeSpan).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        services.AddSingleton<ISpeechToTextClient, Engine.Whisper.WhisperSpeechEngine>();
        services.AddHostedService<SpeechEngineHost>();
        services.AddHealthChecks().AddCheck<SpeechEngineHealthCheck>(SpeechEngineHealthCheck.Name);

        services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(TranscriberTelemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(TranscriberTelemetry.Name));
        return builder;
    }
}

[OptionsValidator]
internal sealed partial class TranscriberOptionsValidator : IValidateOptions<TranscriberOptions>;

[OptionsValidator]
internal sealed partial class WhisperOptionsValidator : IValidateOptions<WhisperOptions>;
