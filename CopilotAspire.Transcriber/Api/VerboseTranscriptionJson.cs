namespace CopilotAspire.Transcriber.Api;

/// <summary><c>response_format=verbose_json</c>.</summary>
public sealed record VerboseTranscriptionJson(string Task, string Language, double Duration, string Text, IReadOnlyList<SegmentJson> Segments);
