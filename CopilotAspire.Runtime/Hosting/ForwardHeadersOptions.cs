using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Runtime.Hosting;

/// <summary>Which request headers reach the agent (wire spec §6.3): <c>Authorization</c> and <c>x-*</c>, minus a denylist.</summary>
public sealed class ForwardHeadersOptions
{
    /// <summary>Strip infrastructure headers (<c>x-forwarded-*</c>, <c>x-real-ip</c>, <c>x-vercel-*</c>, …). Default true.</summary>
    public bool UseDefaultDenylist { get; set; } = true;

    /// <summary>More header names never forwarded, on top of the default denylist (case-insensitive).</summary>
    public string[] Deny { get; set; } = [];

    /// <summary>
    /// More header name prefixes never forwarded (e.g. <c>x-internal-</c>), on top of the default ones (<c>x-amz-</c>,
    /// <c>x-azure-</c>, <c>x-vercel-</c>, …).
    /// </summary>
    public string[] DenyPrefixes { get; set; } = [];

    /// <summary>When non-empty, only these headers are forwarded (allowlist mode).</summary>
    public string[] Allow { get; set; } = [];
}
