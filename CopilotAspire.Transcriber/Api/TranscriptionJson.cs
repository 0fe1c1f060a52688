namespace CopilotAspire.Transcriber.Api;

/// <summary><c>response_format=json</c>.</summary>
public sealed record TranscriptionJson(string Text);
