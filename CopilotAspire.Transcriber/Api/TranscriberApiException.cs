namespace CopilotAspire.Transcriber.Api;

/// <summary>A request the API refuses, with the HTTP status and OpenAI-style error fields to send.</summary>
public sealed class TranscriberApiException(int statusCode, string message, string code, string? param = null, string type = OpenAiErrors.InvalidRequest)
    : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public string Code { get; } = code;

    public string? Param { get; } = param;

    public string Type { get; } = type;
}
