using CopilotAspire.Runtime.Hosting;
using CopilotAspire.Runtime.Middleware;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Http;

/// <summary>What a runtime endpoint is, so the request filter knows how to treat it.</summary>
internal enum CopilotRouteKind
{
    Handler,
    Router,
    Preflight,
}

internal sealed record CopilotRouteMetadata(CopilotRouteKind Kind);

/// <summary>
/// The runtime's request pipeline around every endpoint of a transport (wire spec §2.2): CORS headers,
/// case-sensitive route literals, before-request middleware (short-circuit or 500); it begins each handler request's
/// <see cref="CopilotRequestState"/>, which runs after-request middleware with telemetry once the response has been sent.
/// </summary>
internal sealed partial class CopilotRequestFilter(CopilotRuntime runtime, CopilotCors cors, ILogger logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        var endpoint = http.GetEndpoint();
        var kind = endpoint?.Metadata.GetMetadata<CopilotRouteMetadata>()?.Kind ?? CopilotRouteKind.Handler;
        if (kind == CopilotRouteKind.Preflight)
        {
            return await next(invocation);
        }

        cors.Apply(http);
        try
        {
            if (await runtime.RunBeforeRequestAsync(http) is { } shortCircuit)
            {
                return shortCircuit;
            }
        }
        catch (CopilotShortCircuitException ex)
        {
            return ex.Result;
        }
#pragma warning disable CA1031 // Any other before-request failure is a 500 that never leaks its message.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogBeforeRequestFailed(logger, http.Request.Path, ex);
            return CopilotResults.InternalError();
        }

        // Route resolution comes after the before-request middleware, as in the official fetch handler.
        if (endpoint is RouteEndpoint route && !LiteralsMatchExactly(route.RoutePattern, http.Request.Path))
        {
            return CopilotResults.NotFound();
        }

        // The request's record (span, after-request middleware) begins here and completes itself (CopilotRequestState).
        var state = kind == CopilotRouteKind.Handler ? CopilotRequestState.Begin(http, runtime, logger) : CopilotRequestState.Get(http);

        try
        {
            return await next(invocation);
        }
        catch (BadHttpRequestException ex)
        {
            // The body could not be read: the client went away mid-upload, or sent a broken body (a short
            // Content-Length, bad chunking, too slowly). Not a server error; any run already started goes on.
            LogRequestBodyFailed(logger, http.Request.Path, ex.StatusCode, ex.Message);
            if (http.RequestAborted.IsCancellationRequested || HttpBodies.EndedWithConnection(ex))
            {
                state.ClientGone();
            }
            if (HttpBodies.EndedWithConnection(ex))
            {
                http.Abort(); // the connection is gone: nothing to answer, no body to drain
                return Results.Empty;
            }
            return CopilotResults.Error(ex.StatusCode, "invalid_request", "The request body could not be read: " + ex.Message);
        }
        catch (Exception ex) when (http.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            state.ClientGone(); // logged at debug when the response completes
            return Results.Empty;
        }
#pragma warning disable CA1031
        catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested)
#pragma warning restore CA1031
        {
            LogHandlerFailed(logger, http.Request.Path, ex);
            return CopilotResults.InternalError();
        }
    }

    /// <summary>ASP.NET Core matches route literals case-insensitively; the CopilotKit router does not.</summary>
    private static bool LiteralsMatchExactly(RoutePattern pattern, PathString path)
    {
        var segments = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < pattern.PathSegments.Count; i++)
        {
            var parts = pattern.PathSegments[i].Parts;
            if (parts.Count != 1 || parts[0] is not RoutePatternLiteralPart literal)
            {
                continue;
            }
            if (i >= segments.Length || !string.Equals(segments[i], literal.Content, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Error, Message = "Error running before request middleware for {Path}")]
    private static partial void LogBeforeRequestFailed(ILogger logger, PathString path, Exception exception);

    [LoggerMessage(EventId = 33, Level = LogLevel.Debug, Message = "The request body of {Path} could not be read ({StatusCode}): {Reason}")]
    private static partial void LogRequestBodyFailed(ILogger logger, PathString path, int statusCode, string reason);

    [LoggerMessage(EventId = 31, Level = LogLevel.Error, Message = "Unhandled error serving {Path}")]
    private static partial void LogHandlerFailed(ILogger logger, PathString path, Exception exception);
}
