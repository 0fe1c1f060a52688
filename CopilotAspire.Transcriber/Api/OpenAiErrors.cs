namespace CopilotAspire.Transcriber.Api;

/// <summary>Builds OpenAI-shaped JSON error results.</summary>
public static class OpenAiErrors
{
    public const string InvalidRequest = "invalid_request_error";
    public const string ServerError = "server_error";
    public const string RateLimit = "rate_limit_error";

    public static IResult Result(int statusCode, string message, string type, string? param, string? code) =>
        Results.Json(new OpenAiErrorResponse(new OpenAiError(message, type, param, code)),
            TranscriberJsonContext.Relaxed.OpenAiErrorResponse, "application/json", statusCode);

    public static IResult Result(TranscriberApiException ex) => Result(ex.StatusCode, ex.Message, ex.Type, ex.Param, ex.Code);
}
