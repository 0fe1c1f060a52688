using CopilotAspire.Runtime.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Api.Hosting;

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
