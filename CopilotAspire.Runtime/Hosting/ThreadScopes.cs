using CopilotAspire.Runtime.Http;
using CopilotAspire.Runtime.Middleware;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Runtime.Hosting;

/// <summary>Ready-made thread scopes.</summary>
public static class ThreadScopes
{
    /// <summary>
    /// The value of the authenticated user's <paramref name="claimType"/> claim (for JWT bearer tokens without inbound
    /// claim mapping: <c>sub</c>). A request without it (anonymous, or a token without the claim) is refused with
    /// <c>401 {"error":"unauthorized"}</c>: it never falls back to a shared namespace.
    /// </summary>
    public static ThreadScopeResolver FromClaim(string claimType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(claimType);
        return (context, _) =>
        {
            var user = context.User;
            var value = user.Identity?.IsAuthenticated == true ? user.FindFirst(claimType)?.Value : null;
            if (string.IsNullOrEmpty(value))
            {
                throw new CopilotShortCircuitException(CopilotResults.Error(StatusCodes.Status401Unauthorized, "unauthorized",
                    $"This runtime keeps threads per user: the request must be authenticated and carry the '{claimType}' claim."));
            }
            return ValueTask.FromResult<string?>(value);
        };
    }

    /// <summary>Why <paramref name="scope"/> cannot scope threads (empty, control characters), or <see langword="null"/> if it can.</summary>
    public static string? Validate(string? scope) =>
        scope is null ? null
        : scope.Length == 0 ? "The thread scope must not be empty."
        : scope.Any(char.IsControl) ? "The thread scope must not contain control characters."
        : null;
}
