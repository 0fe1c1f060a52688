using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace CopilotAspire.Runtime.Http;

/// <summary>
/// The single route's <c>resource/request</c> (wire spec §20.6): <c>{"method": "resource/request", "params": {"path":
/// "/threads?agentId=…", "httpMethod": "GET"}, "body"?: …}</c> reaches the <c>/threads</c> routes exactly as their REST
/// form does. The path stays relative to the runtime; anything but a thread route answers 404.
/// </summary>
internal static class ThreadResourceRequest
{
    /// <summary>The methods a thread route allows (the REST router's 405 <c>Allow</c>), or <see langword="null"/> for no thread route.</summary>
    public static string? AllowedMethods(string[] segments) => segments switch
    {
        ["threads"] => "GET",
        ["threads", "clear"] => "POST",
        ["threads", { Length: > 0 }, "messages" or "events" or "state"] => "GET",
        ["threads", { Length: > 0 }, "archive"] => "POST",
        ["threads", { Length: > 0 } id] when id != "subscribe" => "PATCH, DELETE",
        _ => null,
    };

    public static async Task<IResult> DispatchAsync(HttpContext http, ThreadHandlers threads, string path, string httpMethod, byte[]? body, CancellationToken cancellationToken)
    {
        if (!path.StartsWith('/') || path.StartsWith("//", StringComparison.Ordinal))
        {
            return CopilotResults.Error(StatusCodes.Status400BadRequest, "invalid_request", "Resource path must be Runtime-relative");
        }
        var queryStart = path.IndexOf('?', StringComparison.Ordinal);
        var query = new QueryCollection(QueryHelpers.ParseQuery(queryStart < 0 ? null : path[queryStart..]));
        var raw = (queryStart < 0 ? path : path[..queryStart]).Split('/', StringSplitOptions.RemoveEmptyEntries);
        string[] segments;
        try
        {
            segments = raw.Select(Uri.UnescapeDataString).ToArray();
        }
        catch (UriFormatException)
        {
            return CopilotResults.NotFound();
        }
        if (AllowedMethods(raw) is not { } allowed)
        {
            return CopilotResults.NotFound();
        }
        var method = httpMethod.ToUpperInvariant();
        if (!allowed.Split(", ").Contains(method))
        {
            return new MethodNotAllowedResult(allowed);
        }
        var bytes = body ?? [];
        return segments switch
        {
            ["threads"] => await threads.ListAsync(http, query, cancellationToken),
            ["threads", "clear"] => await threads.ClearAsync(http, cancellationToken),
            ["threads", var id, "archive"] => await threads.ArchiveAsync(http, id, bytes, cancellationToken),
            ["threads", var id, var what] => await threads.InspectAsync(http, id, what, cancellationToken),
            ["threads", var id] when method == "DELETE" => await threads.DeleteAsync(http, id, bytes, cancellationToken),
            [_, var id] => await threads.UpdateAsync(http, id, bytes, cancellationToken),
            _ => CopilotResults.NotFound(),
        };
    }

    /// <summary>The <c>path</c> and <c>httpMethod</c> params of a <c>resource/request</c> envelope, or why they are refused.</summary>
    public static string? ReadParams(JsonElement parameters, out string path, out string httpMethod)
    {
        path = httpMethod = "";
        foreach (var (name, isPath) in new[] { ("path", true), ("httpMethod", false) })
        {
            if (parameters.ValueKind != JsonValueKind.Object || !parameters.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString()))
            {
                return $"Missing or invalid parameter '{name}'";
            }
            if (isPath)
            {
                path = v.GetString()!;
            }
            else
            {
                httpMethod = v.GetString()!;
            }
        }
        return null;
    }
}
