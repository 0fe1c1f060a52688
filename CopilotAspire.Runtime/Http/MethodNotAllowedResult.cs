using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Runtime.Http;

/// <summary>A 405 with the <c>Allow</c> header.</summary>
internal sealed class MethodNotAllowedResult(string allow) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.Allow = allow;
        return CopilotResults.Error(StatusCodes.Status405MethodNotAllowed, "Method not allowed").ExecuteAsync(httpContext);
    }
}
