using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Middleware;

/// <summary>Runs after a dispatched request's response has been sent in full; its exceptions are logged and swallowed.</summary>
public delegate ValueTask AfterRequestMiddleware(AfterRequestContext context);
