using CopilotAspire.Runtime.Protocol;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Runtime.Middleware;

/// <summary>What a before-request middleware gets (wire spec §7.1).</summary>
/// <param name="HttpContext">The request, which the middleware may change (headers, body) before the runtime reads it.</param>
/// <param name="Path">The full request path, e.g. <c>/api/copilotkit/agent/default/run</c>.</param>
public sealed record BeforeRequestContext(HttpContext HttpContext, string Path);
