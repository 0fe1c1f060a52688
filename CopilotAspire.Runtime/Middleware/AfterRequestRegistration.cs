using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Middleware;

/// <summary>
/// An after-request middleware as registered (<c>UseAfterRequest</c>). <paramref name="ReadsMessages"/> says whether it
/// reads <see cref="AfterRequestContext.Messages"/>: the stream's messages are rebuilt (text and arguments included)
/// only when one registered middleware does; the counts are always there.
/// </summary>
public sealed record AfterRequestRegistration(AfterRequestMiddleware Middleware, bool ReadsMessages);
