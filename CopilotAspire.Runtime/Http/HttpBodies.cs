using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CopilotAspire.Runtime.Http;

/// <summary>Every JSON error body of the runtime: <c>{"error", "code"?, "message"?, "details"?}</c> in that order.</summary>
public sealed record ErrorBody(string Error, string? Message = null, string? Details = null, string? Code = null)
{
    [JsonPropertyOrder(1)] public string? Code { get; init; } = Code;
    [JsonPropertyOrder(2)] public string? Message { get; init; } = Message;
    [JsonPropertyOrder(3)] public string? Details { get; init; } = Details;
}

/// <summary>The reply of <c>stop</c>: <c>{"stopped", "message"?, "interrupt"?}</c>.</summary>
public sealed record StopResponse(bool Stopped, string? Message = null, StopInterrupt? Interrupt = null);

public sealed record StopInterrupt(string Type, string Message, string Code);

/// <summary>The body of <c>GET {base}/info</c>, fields in the official order.</summary>
public sealed record RuntimeInfo
{
    public required string Version { get; init; }
    public required IReadOnlyDictionary<string, AgentInfo> Agents { get; init; }
    public required bool AudioFileTranscriptionEnabled { get; init; }
    public string Mode { get; init; } = "sse";
    public required ThreadEndpointsInfo ThreadEndpoints { get; init; }
    /// <summary>On the single route only: its resource operations (<c>resource/request</c>) and the thread routes they reach.</summary>
    public SingleRouteInfo? SingleRoute { get; init; }
    public bool Suggestions { get; init; }
    public bool A2uiEnabled { get; init; }
    public bool OpenGenerativeUIEnabled { get; init; }
    public bool TelemetryDisabled { get; init; } = true;
}

public sealed record AgentInfo(string Name, string Description, string ClassName, JsonElement? Capabilities = null);

public sealed record ThreadEndpointsInfo(bool List, bool Inspect, bool Mutations, bool RealtimeMetadata);

/// <summary>The <c>singleRoute</c> block of <c>/info</c> on the single route: <c>{resourceOperations, threadEndpoints}</c>.</summary>
public sealed record SingleRouteInfo(bool ResourceOperations, ThreadEndpointsInfo ThreadEndpoints);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(StopResponse))]
[JsonSerializable(typeof(RuntimeInfo))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(Runners.Threads.ThreadPage))]
[JsonSerializable(typeof(Runners.Threads.ThreadRecord))]
[JsonSerializable(typeof(ThreadArchived))]
[JsonSerializable(typeof(ThreadDeleted))]
internal sealed partial class HttpBodiesJsonContext : JsonSerializerContext
{
    public static HttpBodiesJsonContext Relaxed { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Encoder = CopilotAspire.Runtime.Protocol.JsonStringifyEncoder.Instance });
}

/// <summary>Request bodies whose read failed.</summary>
internal static class HttpBodies
{
    /// <summary>
    /// Kestrel's "Unexpected end of request content": the connection ended before the declared body did, so the client
    /// is gone (Kestrel's reason code is not public; its message is stable). Such a request is aborted, not answered:
    /// Kestrel would otherwise try to drain the broken body after the response and log an error.
    /// </summary>
    public static bool EndedWithConnection(BadHttpRequestException ex) =>
        ex.Message.StartsWith("Unexpected end of request content", StringComparison.Ordinal);
}

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

/// <summary>A 405 with the <c>Allow</c> header.</summary>
internal sealed class MethodNotAllowedResult(string allow) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.Allow = allow;
        return CopilotResults.Error(StatusCodes.Status405MethodNotAllowed, "Method not allowed").ExecuteAsync(httpContext);
    }
}
