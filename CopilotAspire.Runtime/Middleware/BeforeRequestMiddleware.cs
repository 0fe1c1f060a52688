using CopilotAspire.Runtime.Protocol;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Runtime.Middleware;

/// <summary>
/// Runs before every runtime request (not CORS preflights). Mutate <see cref="BeforeRequestContext.HttpContext"/>'s
/// request to "replace" it (headers seen by the agent factory and header forwarding, the body); return an
/// <see cref="IResult"/> (or throw <see cref="CopilotShortCircuitException"/>) to answer without running anything.
/// Any other exception answers <c>500 {"error":"internal_error"}</c>.
/// </summary>
public delegate ValueTask<IResult?> BeforeRequestMiddleware(BeforeRequestContext context);
