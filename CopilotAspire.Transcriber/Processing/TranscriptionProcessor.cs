using System.Diagnostics;
using CopilotAspire.Transcriber.Audio;
using CopilotAspire.Transcriber.Telemetry;
using Microsoft.Extensions.AI;

namespace CopilotAspire.Transcriber.Processing;

/// <summary>Waits for an engine slot, decodes an upload to 16 kHz mono PCM, and runs the speech engine on it.</summary>
public sealed class TranscriptionProcessor(
    AudioDecoder decoder, ISpeechToTextClient engine, TranscriberTelemetry telemetry, ILogger<TranscriptionProcessor> logger)
{
    public async Task<Transcript> TranscribeAsync(
        ReadOnlyMemory<byte> upload, string fileName, TranscriptionParameters parameters, TranscriptionGate.Admission admission,
        CancellationToken cancellationToken)
    {
        using var activity = TranscriberTelemetry.ActivitySource.StartActivity("transcribe");
        activity?.SetTag("transcriber.upload.bytes", upload.Length);

        // Decoding happens inside the engine slot: a 30-minute upload decodes to ~115 MB of float samples, and only
        // the requests that may run the engine hold that at once (queued ones hold just their upload).
        await admission.EnterEngineAsync(cancellationToken);
        var audio = await DecodeToWavAsync(upload, fileName, cancellationToken);
        activity?.SetTag("transcriber.audio.duration_s", audio.Duration.TotalSeconds);
        telemetry.AudioDuration.Record(audio.Duration.TotalSeconds);

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

        using var wav = new MemoryStream(audio.Wav, writable: false);
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
            // Whisper's timestamps come in 20 ms steps and a segment may be stamped past the end of the audio.
            var start = Min(update.StartTime ?? (segments.Count > 0 ? segments[^1].End : TimeSpan.Zero), audio.Duration);
            segments.Add(new TranscriptSegment(segments.Count, start, Min(update.EndTime ?? audio.Duration, audio.Duration), update.Text));
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

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>
    /// Decodes the upload and writes it as the 16-bit WAV the engine reads. The float samples are only referenced here,
    /// so they can be collected before the engine runs instead of living alongside the WAV for the whole transcription.
    /// </summary>
    private async Task<(byte[] Wav, int SampleRate, TimeSpan Duration)> DecodeToWavAsync(
        ReadOnlyMemory<byte> upload, string fileName, CancellationToken cancellationToken)
    {
        var decoded = await decoder.DecodeAsync(upload, fileName, cancellationToken);
        return (PcmWav.Write16BitMono(decoded.Samples, decoded.SampleRate), decoded.SampleRate, decoded.Duration);
    }
}
