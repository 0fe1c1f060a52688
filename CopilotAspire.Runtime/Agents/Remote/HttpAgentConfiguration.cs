using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Agents.Remote;

/// <summary>Creates <see cref="HttpAgent"/>s from configuration and registers the HTTP client they use.</summary>
public static class HttpAgentConfiguration
{
    /// <summary>Whether an agent section declares a remote agent (<c>Type = http</c>).</summary>
    public static bool IsHttpAgent(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return string.Equals(section["Type"], HttpAgentOptions.TypeName, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// An agent from its section: <c>Url</c> (required), <c>Description</c>, <c>Headers:{name}</c>, <c>ConnectTimeout</c>,
    /// <c>IdleTimeout</c>, <c>MaxEventBytes</c>, <c>MaxErrorBodyBytes</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The configuration is invalid (the message names the agent).</exception>
    public static HttpAgent CreateAgent(IConfigurationSection section, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(services);
        var options = new HttpAgentOptions();
        try
        {
            section.Bind(options);
            return Create(options, services);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"Agent '{section.Key}' ({section.Path}) is misconfigured: {ex.Message}", ex);
        }
    }

    /// <summary>An agent from options, with the HTTP client and logger of <paramref name="services"/>.</summary>
    public static HttpAgent Create(HttpAgentOptions options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return new HttpAgent(options, services.GetRequiredService<IHttpClientFactory>(), services.GetService<ILogger<HttpAgent>>());
    }

    /// <summary>
    /// Registers the named client <see cref="HttpAgent.HttpClientName"/> (once): no client timeout, no resilience
    /// handler (the service defaults add one to every client; a streaming POST must not be retried), and no draining of
    /// an abandoned answer, so a stop closes the connection at once, and no per-request logging. Service discovery, added
    /// to every client by the service defaults, still applies.
    /// </summary>
    public static void AddHttpAgentClient(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(HttpAgentClientRegistered)))
        {
            return;
        }
        services.AddSingleton<HttpAgentClientRegistered>();
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked for evaluation; it is the supported way to opt one client out.
        services.AddHttpClient(HttpAgent.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { MaxResponseDrainSize = 0 })
            .RemoveAllLoggers() // four Information lines per run otherwise; failures are logged by the agent, once
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
    }

    private sealed class HttpAgentClientRegistered;
}
