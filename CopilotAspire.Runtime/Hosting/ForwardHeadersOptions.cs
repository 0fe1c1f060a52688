using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Runtime.Hosting;

/// <summary>Which request headers reach the agent (wire spec §6.3): <c>Authorization</c> and <c>x-*</c>, minus a denylist.</summary>
public sealed class ForwardHeadersOptions
{
    /// <summary>Strip infrastructure headers (<c>x-forwarded-*</c>, <c>x-real-ip</c>, <c>x-vercel-*</c>, …). Default true.</summary>
    public bool UseDefaultDenylist { get; set; } = true;

    public string[] Deny { get; set; } = [];

    public string[] DenyPrefixes { get; set; } = [];

    /// <summary>When non-empty, only these headers are forwarded (allowlist mode).</summary>
    public string[] Allow { get; set; } = [];
}
