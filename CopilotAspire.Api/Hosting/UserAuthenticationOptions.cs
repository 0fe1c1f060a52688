using System.ComponentModel.DataAnnotations;
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

[OptionsValidator]
internal sealed partial class UserAuthenticationOptionsValidator : IValidateOptions<UserAuthenticationOptions>;
