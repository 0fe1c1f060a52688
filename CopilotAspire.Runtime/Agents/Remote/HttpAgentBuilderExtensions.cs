using CopilotAspire.Runtime.Agents.Remote;
using CopilotAspire.Runtime.Hosting;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers remote AG-UI agents (<see cref="HttpAgent"/>) in code.</summary>
public static class HttpAgentBuilderExtensions
{
    /// <summary>
    /// Adds the remote AG-UI agent at <paramref name="url"/> as <paramref name="id"/> (the URL may name a service by
    /// service discovery: <c>http://weather-agent/agent</c>). Options are validated when the runtime is created.
    /// </summary>
    public static CopilotRuntimeBuilder AddHttpAgent(this CopilotRuntimeBuilder builder, string id, string url, Action<HttpAgentOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        var options = new HttpAgentOptions { Url = url };
        configure?.Invoke(options);
        HttpAgentConfiguration.AddHttpAgentClient(builder.Services);
        return builder.AddAgent(id, services => HttpAgentConfiguration.Create(options, services));
    }
}
