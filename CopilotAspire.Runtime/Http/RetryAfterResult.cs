using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Runtime.Http;

/// <summary>A result with a <c>Retry-After</c> header (in seconds), e.g. the 503 of a run refused while the server drains.</summary>
internal sealed class RetryAfterResult(IResult inner, int seconds) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return inner.ExecuteAsync(httpContext);
    }
}
