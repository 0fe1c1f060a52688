using CopilotAspire.Runtime.Protocol;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Runtime.Middleware;

public sealed record BeforeRequestContext(HttpContext HttpContext, string Path);
