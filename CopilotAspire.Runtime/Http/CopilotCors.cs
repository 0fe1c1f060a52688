using CopilotAspire.Runtime.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace CopilotAspire.Runtime.Http;

/// <summary>
/// CORS exactly as the official runtime's fetch handler (wire spec §2.11): preflights answered <c>204</c> on any
/// path, and every other response (errors and SSE included) carries the origin headers. Permissive by default.
/// </summary>
internal sealed class CopilotCors(CopilotCorsOptions options)
{
    private const string AllowMethods = "GET, HEAD, PUT, POST, DELETE, PATCH, OPTIONS";
    private readonly bool _anyOrigin = options.AllowedOrigins.Length == 0 || options.AllowedOrigins.Contains("*");
    private readonly HashSet<string> _origins = new(options.AllowedOrigins, StringComparer.Ordinal);

    public bool Enabled => options.Enabled;

    /// <summary>Adds the origin headers to the response; returns false when the origin is not allowed.</summary>
    public bool Apply(HttpContext context)
    {
        if (!options.Enabled)
        {
            return false;
        }
        var origin = context.Request.Headers.Origin.ToString();
        string? allowed = _anyOrigin ? "*" : _origins.Contains(origin) ? origin : null;
        if (allowed is null)
        {
            return false;
        }
        if (options.AllowCredentials && allowed == "*")
        {
            if (origin.Length == 0)
            {
                return false;
            }
            allowed = origin;
        }
        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = allowed;
        if (options.AllowCredentials)
        {
            headers.AccessControlAllowCredentials = "true";
        }
        if (options.ExposeHeaders.Length > 0)
        {
            headers.AccessControlExposeHeaders = string.Join(", ", options.ExposeHeaders);
        }
        if (allowed != "*")
        {
            headers.Vary = StringValues.Concat(headers.Vary, "Origin");
        }
        return true;
    }

    /// <summary>The <c>204</c> answer to a preflight.</summary>
    public IResult Preflight() => new PreflightResult(this);

    private sealed class PreflightResult(CopilotCors cors) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status204NoContent;
            if (cors.Apply(httpContext))
            {
                var headers = response.Headers;
                headers.AccessControlAllowMethods = AllowMethods;
                headers.AccessControlAllowHeaders = "*";
                if (cors.MaxAge is { } maxAge)
                {
                    headers.AccessControlMaxAge = maxAge.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                headers.Vary = StringValues.Concat(headers.Vary, "Access-Control-Request-Headers, Access-Control-Request-Method");
            }
            return Task.CompletedTask;
        }
    }

    private int? MaxAge => options.MaxAgeSeconds;
}
