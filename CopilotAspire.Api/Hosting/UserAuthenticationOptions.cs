using System.ComponentModel.DataAnnotations;
using CopilotAspire.Runtime.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Api.Hosting;

/// <summary>
/// Signed-in users, each with their own threads (<c>Auth</c> section, off by default). When on, every runtime route
/// but the CORS preflight needs a valid JWT bearer token, and the token's <see cref="ThreadScopeClaim"/> scopes the
/// threads: a user can never run on, connect to, resume or stop another user's thread, even knowing its id.
/// The token itself is validated by ASP.NET Core's JWT bearer handler, configured under
/// <c>Authentication:Schemes:Bearer</c> (<c>Authority</c>, <c>ValidAudiences</c>, …; see README).
/// </summary>
public sealed class UserAuthenticationOptions
{
    public const string SectionName = "Auth";

    /// <summary>Require a signed-in user and keep threads per user. Default false (anyone may use any thread id, as in the official runtime).</summary>
    public bool Enabled { get; set; }

    /// <summary>The token claim whose value scopes the threads (claim names as in the token: no inbound mapping). Default <c>sub</c>.</summary>
    [Required]
    public string ThreadScopeClaim { get; set; } = "sub";
}

public static class UserAuthenticationExtensions
{
    /// <summary>Adds JWT bearer authentication and per-user threads when <c>Auth:Enabled</c> is true.</summary>
    public static CopilotRuntimeBuilder AddUserAuthenticationFromConfiguration(this CopilotRuntimeBuilder runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var section = runtime.Configuration.GetSection(UserAuthenticationOptions.SectionName);
        runtime.Services.AddOptions<UserAuthenticationOptions>().Bind(section).ValidateOnStart();
        runtime.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UserAuthenticationOptions>, UserAuthenticationOptionsValidator>());
        var options = section.Get<UserAuthenticationOptions>() ?? new();
        if (!options.Enabled)
        {
            return runtime;
        }
        runtime.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt => jwt.MapInboundClaims = false); // claim names as issued: "sub", not a ClaimTypes URI
        runtime.Services.AddAuthorization();
        return runtime.WithThreadScopeFromClaim(options.ThreadScopeClaim);
    }

    /// <summary>Puts <paramref name="endpoints"/> (the runtime's routes) behind authorization when <c>Auth:Enabled</c> is true.</summary>
    public static TBuilder RequireUserWhenEnabled<TBuilder>(this TBuilder endpoints, IConfiguration configuration) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(UserAuthenticationOptions.SectionName).Get<UserAuthenticationOptions>()?.Enabled == true
            ? endpoints.RequireAuthorization()
            : endpoints;
    }
}

[OptionsValidator]
internal sealed partial class UserAuthenticationOptionsValidator : IValidateOptions<UserAuthenticationOptions>;
