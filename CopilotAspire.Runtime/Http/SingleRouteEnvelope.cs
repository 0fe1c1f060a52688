using System.Text;
using System.Text.Json;
using CopilotAspire.Runtime.Hosting;
using CopilotAspire.Runtime.Transcription;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Runtime.Http;

/// <summary>
/// The single-route transport (wire spec §2.9): one URL, <c>POST {"method", "params"?, "body"?}</c>, dispatched to
/// the same handlers as the REST routes. Envelope errors are router errors (no after-request middleware).
/// </summary>
internal static class SingleRouteEnvelope
{
    /// <summary>Method names the official runtime accepts; the ones this runtime does not implement answer 400.</summary>
    internal static readonly string[] KnownMethods =
        ["agent/run", "agent/suggest", "agent/connect", "agent/stop", "info", "inspector/metadata", "inspector/learning", "transcribe", "resource/request"];

    private static readonly string[] Implemented = ["agent/run", "agent/suggest", "agent/connect", "agent/stop", "info", "transcribe", "resource/request"];

    public static async Task<IResult> HandleAsync(HttpContext http, CopilotRuntime runtime, RuntimeHandlers handlers, ThreadHandlers threads, CancellationToken cancellationToken)
    {
        if (!http.Request.ContentType?.Contains("application/json", StringComparison.OrdinalIgnoreCase) ?? true)
        {
            return Invalid(StatusCodes.Status415UnsupportedMediaType, "Single-route endpoint expects JSON payloads");
        }
        // A transcribe envelope carries base64 audio (4/3 of its size): it may be read up to that, every other
        // method stays within MaxRequestBodyBytes (checked once the method is known).
        var jsonLimit = runtime.Options.MaxRequestBodyBytes;
        var readLimit = runtime.TranscriptionService is null
            ? jsonLimit
            : Math.Max(jsonLimit, (Microsoft.AspNetCore.Builder.CopilotEndpointRouteBuilderExtensions.TranscriptionMaxBytes(http) + 2) / 3 * 4 + 64 * 1024);
        var bytes = await RequestBody.ReadAsync(http, readLimit, cancellationToken);
        if (bytes is null)
        {
            return CopilotResults.PayloadTooLarge(readLimit);
        }

        JsonDocument document;
        try
        {
            // The JSON reader leaves invalid UTF-8 inside strings for GetString to throw on later: refuse it here.
            document = System.Text.Unicode.Utf8.IsValid(bytes) ? JsonDocument.Parse(bytes) : throw new JsonException("The payload is not valid UTF-8.");
        }
        catch (JsonException)
        {
            return Invalid(StatusCodes.Status400BadRequest, "Invalid JSON payload");
        }

        using (document)
        {
            var envelope = document.RootElement;
            var method = envelope.ValueKind == JsonValueKind.Object && envelope.TryGetProperty("method", out var m) ? m : default;
            if (method.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null || (method.ValueKind == JsonValueKind.String && method.GetString() == ""))
            {
                return Invalid(StatusCodes.Status400BadRequest, "Missing method field");
            }
            var name = method.ValueKind == JsonValueKind.String ? method.GetString()! : JsString(method);
            if (!Implemented.Contains(name))
            {
                return Invalid(StatusCodes.Status400BadRequest, $"Unsupported method '{name}'");
            }

            if (name != "transcribe" && bytes.Length > jsonLimit)
            {
                return CopilotResults.PayloadTooLarge(jsonLimit);
            }

            var parameters = envelope.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
            var body = envelope.TryGetProperty("body", out var b) && b.ValueKind != JsonValueKind.Null ? b : (JsonElement?)null;
            string? agentId = null, threadId = null;
            if (name.StartsWith("agent/", StringComparison.Ordinal) && !TryParam(parameters, "agentId", out agentId))
            {
                return Invalid(StatusCodes.Status400BadRequest, "Missing or invalid parameter 'agentId'");
            }
            if (name == "agent/stop" && !TryParam(parameters, "threadId", out threadId))
            {
                return Invalid(StatusCodes.Status400BadRequest, "Missing or invalid parameter 'threadId'");
            }
            if (name == "resource/request")
            {
                return ThreadResourceRequest.ReadParams(parameters, out var path, out var httpMethod) is { } bad
                    ? Invalid(StatusCodes.Status400BadRequest, bad)
                    : await ThreadResourceRequest.DispatchAsync(http, threads, path, httpMethod, body is { } resourceBody ? BodyBytes(resourceBody) : null, cancellationToken);
            }
            if (name is "agent/run" or "agent/suggest" or "agent/connect" or "transcribe" && body is null)
            {
                return Invalid(StatusCodes.Status400BadRequest, "Missing request body for JSON handler");
            }

            return name switch
            {
                "agent/run" => await runtime.RunAsync(http, agentId!, BodyBytes(body!.Value), cancellationToken),
                "agent/suggest" => await handlers.SuggestAsync(http, agentId!, BodyBytes(body!.Value), cancellationToken),
                "agent/connect" => await runtime.ConnectAsync(http, agentId!, BodyBytes(body!.Value), Microsoft.AspNetCore.Builder.CopilotEndpointRouteBuilderExtensions.LastEventId(http), cancellationToken),
                "agent/stop" => await runtime.StopAsync(http, agentId!, threadId!, body is { } stopBody ? BodyBytes(stopBody) : "{}"u8.ToArray(), cancellationToken),
                "transcribe" => await DispatchTranscribeAsync(http, runtime, body!.Value.Clone(), cancellationToken),
                _ => await handlers.InfoAsync(http, cancellationToken, singleRoute: true),
            };
        }
    }

    private static Task<IResult> DispatchTranscribeAsync(HttpContext http, CopilotRuntime runtime, JsonElement body, CancellationToken cancellationToken) =>
        runtime.TranscribeAsync(http, service => TranscriptionRequestHandler.HandleJsonAsync(body, service, Microsoft.AspNetCore.Builder.CopilotEndpointRouteBuilderExtensions.TranscriptionMaxBytes(http), cancellationToken));

    /// <summary>The envelope's body as the handler's request body: strings verbatim, anything else as JSON.</summary>
    private static byte[] BodyBytes(JsonElement body) =>
        body.ValueKind == JsonValueKind.String ? Encoding.UTF8.GetBytes(body.GetString()!) : JsonSerializer.SerializeToUtf8Bytes(body, HttpBodiesJsonContext.Relaxed.JsonElement);

    private static bool TryParam(JsonElement parameters, string name, out string? value)
    {
        value = null;
        if (parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty(name, out var v)
            && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()))
        {
            value = v.GetString();
            return true;
        }
        return false;
    }

    /// <summary>JavaScript's <c>String(value)</c> for the non-string method values the official error echoes.</summary>
    private static string JsString(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "[object Object]",
        JsonValueKind.Array => string.Join(",", value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
        _ => value.GetRawText(),
    };

    private static IResult Invalid(int status, string message) => CopilotResults.Error(status, "invalid_request", message);
}
