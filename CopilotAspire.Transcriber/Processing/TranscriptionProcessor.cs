using System.Diagnostics;
using CopilotAspire.Transcriber.Audio;
using CopilotAspire.Transcriber.Telemetry;
using Microsoft.Extensions.AI;

namespace CopilotAspire.Transcriber.Processing;

/// <summary>Decodes an upload to 16 kHz mono PCM, waits for an engine slot, and runs the speech engine on it.</summary>
public sealed class TranscriptionProcessor(
    AudioDecoder decoder, ISpeechToTextClient engine, TranscriberTelemetry telemetry, ILogger<TranscriptionProcessor> logger)
{
    public async Task<Transcript> TranscribeAsync(
        ReadOnlyMemory<byte> upload, string fileName, TranscriptionParameters parameters, TranscriptionGate.Admission admission,
        CancellationToken cancellationToken)
    {
        using var activity = TranscriberTelemetry.ActivitySource.StartActivity("transcribe");
        activity?.SetTag("transcriber.upload.bytes", upload.Length);

        var audio = await decoder.DecodeAsync(upload, fileName, cancellationToken);
        activity?.SetTag("transcriber.audio.duration_s", audio.Duration.TotalSeconds);
        telemetry.AudioDuration.Record(audio.Duration.TotalSeconds);

        await admission.EnterEngineAsync(cancellationToken);
        activity?.AddEvent(new ActivityEvent("engine.start"));
        var started = Stopwatch.GetTimestamp();

        var options = new SpeechToTextOptions
        {
            ModelId = parameters.Model,
            SpeechLanguage = parameters.Language,
            SpeechSampleRate = audio.SampleRate,
            AdditionalProperties = [],
        };
        if (parameters.Prompt is { } prompt)
        {
            options.AdditionalProperties["prompt"] = prompt;
        }
        if (parameters.Temperature is { } temperature)
        {
            options.AdditionalProperties["temperature"] = temperature;
        }

        using var wav = new MemoryStream(PcmWav.Write16BitMono(audio.Samples, audio.SampleRate), writable: false);
        var segments = new List<TranscriptSegment>();
        string? language = null;
        await foreach (var update in engine.GetStreamingTextAsync(wav, options, cancellationToken))
        {
            if (update.Kind == SpeechToTextResponseUpdateKind.Error)
            {
                throw new InvalidOperationException($"The speech engine reported an error: {update.Text}");
            }
            if (update.Kind == SpeechToTextResponseUpdateKind.TextUpdating || string.IsNullOrEmpty(update.Text))
            {
                continue;
            }
            var start = update.StartTime ?? (segments.Count > 0 ? segments[^1].End : TimeSpan.Zero);
            segments.Add(new TranscriptSegment(segments.Count, start, update.EndTime ?? audio.Duration, update.Text));
            if (update.AdditionalProperties?.TryGetValue("language", out string? detected) == true && !string.IsNullOrEmpty(detected))
            {
                language ??= detected;
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        telemetry.ProcessingDuration.Record(elapsed.TotalSeconds);
        var text = string.Concat(segments.Select(s => s.Text)).Trim();
        TranscriberLog.Transcribed(logger, audio.Duration.TotalSeconds, elapsed.TotalMilliseconds, text.Length);
        return new Transcript(text, language ?? parameters.Language, audio.Duration, segments);
    }
}
