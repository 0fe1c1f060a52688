using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CopilotAspire.Transcriber.Telemetry;

/// <summary>The Transcriber's one <see cref="ActivitySource"/> and one <see cref="Meter"/> (both named <see cref="Name"/>).</summary>
public sealed class TranscriberTelemetry
{
    public const string Name = "CopilotAspire.Transcriber";

    public static readonly ActivitySource ActivitySource = new(Name);

    public TranscriberTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        Requests = meter.CreateCounter<long>("transcriber.requests", "{request}",
            "Transcription requests by outcome (ok, invalid_audio, unsupported_format, too_large, rejected, unavailable, error).");
        AudioDuration = meter.CreateHistogram<double>("transcriber.audio.duration", "s", "Duration of the decoded audio.");
        ProcessingDuration = meter.CreateHistogram<double>("transcriber.transcription.duration", "s", "Time the speech engine took.");
        Active = meter.CreateUpDownCounter<long>("transcriber.transcriptions.active", "{transcription}", "Transcriptions running in the engine.");
        Queued = meter.CreateUpDownCounter<long>("transcriber.transcriptions.queued", "{request}", "Admitted requests not yet in the engine (uploading, decoding or waiting).");
    }

    public Counter<long> Requests { get; }

    public Histogram<double> AudioDuration { get; }

    public Histogram<double> ProcessingDuration { get; }

    public UpDownCounter<long> Active { get; }

    public UpDownCounter<long> Queued { get; }

    public void CountRequest(string outcome) => Requests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
