namespace CopilotAspire.Transcriber.Processing;

/// <summary>A finished transcription.</summary>
public sealed record Transcript(string Text, string? Language, TimeSpan Duration, IReadOnlyList<TranscriptSegment> Segments);
