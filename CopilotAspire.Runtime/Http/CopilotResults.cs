using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CopilotAspire.Runtime.Http;

/// <summary>Typed JSON results with the official <c>Content-Type: application/json</c> and relaxed escaping.</summary>
public static class CopilotResults
{
    private const string JsonContentType = "application/json";

    public static JsonHttpResult<ErrorBody> Error(int statusCode, string error, string? message = null, string? details = null, string? code = null) =>
        TypedResults.Json(new ErrorBody(error, message, details, code), HttpBodiesJsonContext.Relaxed.ErrorBody, JsonContentType, statusCode);

    public static JsonHttpResult<StopResponse> Stop(StopResponse response) =>
        TypedResults.Json(response, HttpBodiesJsonContext.Relaxed.StopResponse, JsonContentType, StatusCodes.Status200OK);

    public static JsonHttpResult<RuntimeInfo> Info(RuntimeInfo info) =>
        TypedResults.Json(info, HttpBodiesJsonContext.Relaxed.RuntimeInfo, JsonContentType, StatusCodes.Status200OK);

    public static JsonHttpResult<ErrorBody> NotFound() => Error(StatusCodes.Status404NotFound, "Not found");

    public static JsonHttpResult<ErrorBody> InternalError() => Error(StatusCodes.Status500InternalServerError, "internal_error");

    public static JsonHttpResult<ErrorBody> AgentNotFound(string agentId) =>
        Error(StatusCodes.Status404NotFound, "Agent not found", $"Agent '{agentId}' does not exist");

    public static JsonHttpResult<ErrorBody> PayloadTooLarge(long limit) =>
        Error(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"Request body exceeds the limit of {limit} bytes.");

    public static JsonHttpResult<ErrorBody> RunnerUnavailable(string message) =>
        Error(StatusCodes.Status503ServiceUnavailable, "runner_unavailable", message);
}
