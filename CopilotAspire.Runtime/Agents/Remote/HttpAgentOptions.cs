using System.ComponentModel.DataAnnotations;
using CopilotAspire.Runtime.Hosting;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Runtime.Agents.Remote;

/// <summary>
/// A remote AG-UI agent (<see cref="HttpAgent"/>), bound from <c>CopilotRuntime:Agents:{id}</c> when its <c>Type</c> is
/// <c>http</c>, or given to <c>AddHttpAgent</c>. Validated when the runtime starts.
/// </summary>
public sealed class HttpAgentOptions
{
    /// <summary>The <c>Type</c> that makes an agent section an <see cref="HttpAgent"/>.</summary>
    public const string TypeName = "http";

    /// <summary>
    /// Where the agent's runs are POSTed, absolute <c>http</c> or <c>https</c>: an AG-UI endpoint, or another runtime's
    /// <c>…/agent/{id}/run</c>. The host may be a service-discovery name (<c>http://weather-agent/agent</c>).
    /// </summary>
    [Required]
    public string Url { get; set; } = "";

    /// <summary>Shown in <c>/info</c>. Default empty.</summary>
    public string Description { get; set; } = "";

    /// <summary>Headers sent with every run (e.g. a service token); they win over headers forwarded from the client.</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long the remote may take to send its first byte (headers and the start of the stream). Default 60 s.</summary>
    [TimeSpanRange("00:00:00.001", "01:00:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The longest silence allowed once the stream has started (any byte, a <c>: keep-alive</c> comment included,
    /// re-arms it). Default 5 minutes; the official runtime sends a keep-alive every 15 s.
    /// </summary>
    [TimeSpanRange("00:00:00.001", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest event (its JSON) accepted from the remote. Default 16 MiB.</summary>
    [Range(1024, 1024 * 1024 * 1024)]
    public int MaxEventBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How much of a non-2xx answer's body is read for the error message. Default 4 KiB.</summary>
    [Range(0, 1024 * 1024)]
    public int MaxErrorBodyBytes { get; set; } = 4 * 1024;

    internal HttpAgentOptions Snapshot() => new()
    {
        Url = Url,
        Description = Description,
        Headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase),
        ConnectTimeout = ConnectTimeout,
        IdleTimeout = IdleTimeout,
        MaxEventBytes = MaxEventBytes,
        MaxErrorBodyBytes = MaxErrorBodyBytes,
    };

    /// <summary>The validated <see cref="Url"/>.</summary>
    /// <exception cref="InvalidOperationException">The options are invalid (the message says which and why).</exception>
    internal Uri Validate(string agentId)
    {
        var result = new HttpAgentOptionsValidator().Validate(agentId, this);
        if (result.Failed)
        {
            throw new InvalidOperationException(result.FailureMessage);
        }
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"Url '{Url}' is not an absolute http or https URL.");
        }
        return url;
    }
}

[OptionsValidator]
internal sealed partial class HttpAgentOptionsValidator : IValidateOptions<HttpAgentOptions>;
