namespace CopilotAspire.Transcriber.Processing;

/// <summary>One timed piece of a transcript.</summary>
public sealed record TranscriptSegment(int Id, TimeSpan Start, TimeSpan End, string Text);
