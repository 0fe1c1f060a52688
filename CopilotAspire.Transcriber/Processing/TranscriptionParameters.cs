namespace CopilotAspire.Transcriber.Processing;

/// <summary>What a transcription request asks for, beyond the audio.</summary>
public sealed record TranscriptionParameters(string Model, string? Language, string? Prompt, float? Temperature);
