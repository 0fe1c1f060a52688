using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Hosting;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Runtime.Http;

/// <summary>
/// Which inbound headers reach the agent (wire spec §6.3): <c>authorization</c> and <c>x-*</c>, lower-cased, minus
/// the infrastructure denylist; headers configured on the agent win over forwarded ones.
/// </summary>
internal sealed class HeaderForwarding
{
    private static readonly string[] DefaultDeny =
    [
        "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "x-forwarded-server",
        "x-real-ip", "x-amzn-trace-id", "x-amz-cf-id", "x-cloud-trace-context", "x-cache", "x-served-by",
        "x-request-id", "x-copilotcloud-public-api-key",
    ];

    private static readonly string[] DefaultDenyPrefixes = ["x-amz-", "x-azure-", "x-fastly-", "x-vercel-", "x-middleware-", "x-copilotcloud-"];

    private readonly HashSet<string> _deny;
    private readonly string[] _denyPrefixes;
    private readonly HashSet<string>? _allow;

    public HeaderForwarding(ForwardHeadersOptions options)
    {
        var allow = Normalize(options.Allow);
        _allow = allow.Length > 0 ? new HashSet<string>(allow, StringComparer.Ordinal) : null;
        var useDefaults = options.UseDefaultDenylist && _allow is null;
        _deny = new HashSet<string>(Normalize(options.Deny).Concat(useDefaults ? DefaultDeny : []), StringComparer.Ordinal);
        _denyPrefixes = [.. Normalize(options.DenyPrefixes), .. useDefaults ? DefaultDenyPrefixes : []];
    }

    private static readonly IReadOnlyDictionary<string, string> None = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    /// <summary>The forwardable headers of a request, names lower-cased.</summary>
    public IReadOnlyDictionary<string, string> Select(IHeaderDictionary headers)
    {
        Dictionary<string, string>? forwarded = null;
        foreach (var (rawName, value) in headers)
        {
            // Without an allow list only authorization and x-* can pass: other names are not lower-cased at all.
            if (_allow is null && !rawName.Equals("authorization", StringComparison.OrdinalIgnoreCase) && !rawName.StartsWith("x-", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var name = rawName.ToLowerInvariant();
            if (ShouldForward(name))
            {
                (forwarded ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = value.ToString();
            }
        }
        return forwarded ?? None;
    }

    /// <summary>Adds <paramref name="forwarded"/> to the clone's headers; the agent's configured headers win.</summary>
    public static void ApplyTo(AbstractAgent clone, IReadOnlyDictionary<string, string> forwarded)
    {
        foreach (var (name, value) in forwarded)
        {
            clone.Headers.TryAdd(name, value);
        }
    }

    private bool ShouldForward(string name)
    {
        if (_allow is not null)
        {
            return _allow.Contains(name) && !Denied(name);
        }
        return (name == "authorization" || name.StartsWith("x-", StringComparison.Ordinal)) && !Denied(name);
    }

    private bool Denied(string name) => _deny.Contains(name) || _denyPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));

    private static string[] Normalize(string[] names) =>
        names.Select(n => n.Trim().ToLowerInvariant()).Where(n => n.Length > 0).ToArray();
}
