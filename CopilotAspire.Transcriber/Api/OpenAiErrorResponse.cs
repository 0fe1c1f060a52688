namespace CopilotAspire.Transcriber.Api;

/// <summary><c>{"error":{"message","type","param","code"}}</c>, as OpenAI sends errors (param and code may be null).</summary>
public sealed record OpenAiErrorResponse(OpenAiError Error);
