using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Runtime.Http;

/// <summary>
/// When the host puts the runtime's routes behind authorization (<c>MapCopilotRuntime().RequireAuthorization()</c>),
/// a refused request still answers like every other runtime error: the JSON body (<c>401 {"error":"unauthorized"}</c>,
/// <c>403 {"error":"forbidden"}</c>) and the CORS headers, so a browser client can read it; the authentication
/// schemes still add their own headers (<c>WWW-Authenticate</c>). Other endpoints get ASP.NET Core's default handling.
/// </summary>
internal sealed class CopilotAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!(authorizeResult.Challenged || authorizeResult.Forbidden) || context.GetEndpoint()?.Metadata.GetMetadata<CopilotCors>() is not { } cors)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        if (policy.AuthenticationSchemes.Count == 0)
        {
            await (authorizeResult.Challenged ? context.ChallengeAsync() : context.ForbidAsync());
        }
        foreach (var scheme in policy.AuthenticationSchemes)
        {
            await (authorizeResult.Challenged ? context.ChallengeAsync(scheme) : context.ForbidAsync(scheme));
        }
        if (context.Response.HasStarted)
        {
            return;
        }
        cors.Apply(context);
        var result = authorizeResult.Challenged
            ? CopilotResults.Error(StatusCodes.Status401Unauthorized, "unauthorized", "This runtime requires an authenticated user.")
            : CopilotResults.Error(StatusCodes.Status403Forbidden, "forbidden", "The user may not use this runtime.");
        await result.ExecuteAsync(context);
    }
}
