using System.Globalization;
using System.Text;
using CopilotAspire.Transcriber.Processing;

namespace CopilotAspire.Transcriber.Api;

/// <summary>The <c>response_format</c>s OpenAI's transcription API offers, rendered from a <see cref="Transcript"/>.</summary>
public static class TranscriptFormats
{
    public const string Json = "json";
    public const string Text = "text";
    public const string VerboseJson = "verbose_json";
    public const string Srt = "srt";
    public const string Vtt = "vtt";

    public static IReadOnlyList<string> All { get; } = [Json, Text, VerboseJson, Srt, Vtt];

    public static IResult ToResult(Transcript transcript, string format) => format switch
    {
        Text => Results.Text(transcript.Text, "text/plain; charset=utf-8"),
        VerboseJson => Results.Json(
            new VerboseTranscriptionJson("transcribe", transcript.Language ?? "unknown", Seconds(transcript.Duration), transcript.Text,
                [.. transcript.Segments.Select(s => new SegmentJson(s.Id, Seconds(s.Start), Seconds(s.End), s.Text))]),
            TranscriberJsonContext.Relaxed.VerboseTranscriptionJson, "application/json"),
        Srt => Results.Text(Subtitles(transcript, srt: true), "text/plain; charset=utf-8"),
        Vtt => Results.Text(Subtitles(transcript, srt: false), "text/vtt; charset=utf-8"),
        _ => Results.Json(new TranscriptionJson(transcript.Text), TranscriberJsonContext.Relaxed.TranscriptionJson, "application/json"),
    };

    private static double Seconds(TimeSpan time) => Math.Round(time.TotalSeconds, 3);

    private static string Subtitles(Transcript transcript, bool srt)
    {
        var text = new StringBuilder(srt ? "" : "WEBVTT\n\n");
        var separator = srt ? "," : ".";
        foreach (var segment in transcript.Segments)
        {
            if (srt)
            {
                text.Append(CultureInfo.InvariantCulture, $"{segment.Id + 1}\n");
            }
            text.Append(CultureInfo.InvariantCulture,
                $"{Timestamp(segment.Start, separator)} --> {Timestamp(segment.End, separator)}\n{segment.Text.Trim()}\n\n");
        }
        return text.ToString();
    }

    private static string Timestamp(TimeSpan t, string separator) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}{separator}{t.Milliseconds:000}");
}
