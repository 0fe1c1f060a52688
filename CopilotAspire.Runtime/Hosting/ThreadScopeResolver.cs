using CopilotAspire.Runtime.Http;
using CopilotAspire.Runtime.Middleware;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Runtime.Hosting;

/// <summary>
/// The thread scope of a request (set with <see cref="CopilotRuntimeBuilder.WithThreadScope(ThreadScopeResolver)"/>),
/// typically the signed-in user's id. Every thread a request runs, connects to, resumes or stops lives in this scope:
/// a thread of another scope is unknown to it, even by its id. <see langword="null"/> is the unscoped namespace (every
/// request shares it, as in the official runtime). To refuse a request, throw <see cref="CopilotShortCircuitException"/>
/// with the answer; any other exception answers <c>500 {"error":"internal_error"}</c>.
/// </summary>
public delegate ValueTask<string?> ThreadScopeResolver(HttpContext context, CancellationToken cancellationToken);
