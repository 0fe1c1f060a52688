namespace CopilotAspire.Transcriber.Processing;

/// <summary>What a transcription request asks for, beyond the audio.</summary>
public sealed record TranscriptionParameters(string Model, string? Language, string? Prompt, float? Temperature);

/// <summary>One timed piece of a transcript.</summary>
public sealed record TranscriptSegment(int Id, TimeSpan Start, TimeSpan End, string Text);

/// <summary>A finished transcription.</summary>
public sealed record Transcript(string Text, string? Language, TimeSpan Duration, IReadOnlyList<TranscriptSegment> Segments);
