using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CopilotAspire.Runtime.Http;

/// <summary>Typed JSON results with the official <c>Content-Type: application/json</c> and relaxed escaping.</summary>
public static class CopilotResults
{
    private const string JsonContentType = "application/json";

    /// <summary>An error in the spec's JSON shape (<see cref="ErrorBody"/>).</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="error">The <c>error</c> field: a short, stable text or code.</param>
    /// <param name="message">The <c>message</c> field, for people; <see langword="null"/> leaves it out.</param>
    /// <param name="details">The <c>details</c> field; <see langword="null"/> leaves it out.</param>
    /// <param name="code">The <c>code</c> field; <see langword="null"/> leaves it out.</param>
    public static JsonHttpResult<ErrorBody> Error(int statusCode, string error, string? message = null, string? details = null, string? code = null) =>
        TypedResults.Json(new ErrorBody(error, message, details, code), HttpBodiesJsonContext.Relaxed.ErrorBody, JsonContentType, statusCode);

    /// <summary>200 with the answer of a stop (wire spec §2.6).</summary>
    /// <param name="response">The answer.</param>
    public static JsonHttpResult<StopResponse> Stop(StopResponse response) =>
        TypedResults.Json(response, HttpBodiesJsonContext.Relaxed.StopResponse, JsonContentType, StatusCodes.Status200OK);

    /// <summary>200 with the body of <c>/info</c> (wire spec §9).</summary>
    /// <param name="info">The body.</param>
    public static JsonHttpResult<RuntimeInfo> Info(RuntimeInfo info) =>
        TypedResults.Json(info, HttpBodiesJsonContext.Relaxed.RuntimeInfo, JsonContentType, StatusCodes.Status200OK);

    /// <summary>404 <c>{"error":"Not found"}</c>: no route (wire spec §2.10).</summary>
    public static JsonHttpResult<ErrorBody> NotFound() => Error(StatusCodes.Status404NotFound, "Not found");

    /// <summary>
    /// 500 <c>{"error":"internal_error"}</c>: an unhandled exception (wire spec §2.10); nothing else of it reaches the
    /// client.
    /// </summary>
    public static JsonHttpResult<ErrorBody> InternalError() => Error(StatusCodes.Status500InternalServerError, "internal_error");

    /// <summary>404 <c>{"error":"Agent not found","message":"Agent '…' does not exist"}</c>.</summary>
    /// <param name="agentId">The unknown agent id.</param>
    public static JsonHttpResult<ErrorBody> AgentNotFound(string agentId) =>
        Error(StatusCodes.Status404NotFound, "Agent not found", $"Agent '{agentId}' does not exist");

    /// <summary>
    /// 413 <c>payload_too_large</c>: the body is larger than
    /// <see cref="Hosting.CopilotRuntimeOptions.MaxRequestBodyBytes"/>.
    /// </summary>
    /// <param name="limit">The limit in bytes, named in the message.</param>
    public static JsonHttpResult<ErrorBody> PayloadTooLarge(long limit) =>
        Error(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"Request body exceeds the limit of {limit} bytes.");

    /// <summary>
    /// 503 <c>runner_unavailable</c>: the runner's store cannot be reached, or the server is draining.
    /// </summary>
    /// <param name="message">Why, for people.</param>
    public static JsonHttpResult<ErrorBody> RunnerUnavailable(string message) =>
        Error(StatusCodes.Status503ServiceUnavailable, "runner_unavailable", message);
}
