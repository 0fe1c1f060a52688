using CopilotAspire.Runtime.Protocol;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Runtime.Middleware;

/// <summary>Thrown by a before-request middleware to answer with <see cref="Result"/> instead of running the request.</summary>
public sealed class CopilotShortCircuitException(IResult result) : Exception("The request was answered by before-request middleware.")
{
    /// <summary>The answer sent instead (with the CORS headers); no after-request middleware runs for it.</summary>
    public IResult Result { get; } = result;
}
