namespace CopilotAspire.Transcriber.Api;

public sealed record OpenAiError(string Message, string Type, string? Param, string? Code);
