using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Agents;

/// <summary>Creates <see cref="BuiltInAgent"/>s from configuration (<c>CopilotRuntime:Agents:{id}</c>).</summary>
public static class BasicAgentConfiguration
{
    /// <summary>
    /// One agent per child of <paramref name="agentsSection"/>, keyed by the child's name, each bound to
    /// <see cref="BasicAgentOptions"/> (<c>Model</c>, <c>Prompt</c>, <c>Temperature</c>, <c>MaxSteps</c>,
    /// <c>MaxOutputTokens</c>, <c>MaxRetries</c>, <c>Description</c>, <c>ApiKey</c>, <c>BaseUrl</c>, <c>ToolChoice</c>,
    /// <c>ForwardSystemMessages</c>, <c>ForwardDeveloperMessages</c>, <c>ChatClientKey</c>). An agent without
    /// <c>Model</c> uses the <see cref="IChatClient"/> service (keyed by <c>ChatClientKey</c> when set). Provider
    /// keys and base URLs are read from <see cref="IConfiguration"/> (which includes the environment in a host).
    /// </summary>
    /// <exception cref="InvalidOperationException">An agent's configuration is invalid (the message names it).</exception>
    public static IReadOnlyDictionary<string, AbstractAgent> CreateAgents(IConfigurationSection agentsSection, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(agentsSection);
        ArgumentNullException.ThrowIfNull(services);
        var configuration = services.GetService<IConfiguration>();
        var environment = configuration is null ? ProviderEnvironment.Process : ProviderEnvironment.FromConfiguration(configuration);
        var loggerFactory = services.GetService<ILoggerFactory>();
        var agents = new Dictionary<string, AbstractAgent>(StringComparer.Ordinal);
        foreach (var section in agentsSection.GetChildren())
        {
            agents[section.Key] = CreateAgent(section, services, environment, loggerFactory);
        }
        return agents;
    }

    /// <summary>One agent from its configuration section.</summary>
    public static BuiltInAgent CreateAgent(IConfigurationSection section, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(services);
        var configuration = services.GetService<IConfiguration>();
        return CreateAgent(
            section,
            services,
            configuration is null ? ProviderEnvironment.Process : ProviderEnvironment.FromConfiguration(configuration),
            services.GetService<ILoggerFactory>());
    }

    private static BuiltInAgent CreateAgent(IConfigurationSection section, IServiceProvider services, ProviderEnvironment environment, ILoggerFactory? loggerFactory)
    {
        var options = new BasicAgentOptions();
        try
        {
            section.Bind(options);
            if (string.IsNullOrWhiteSpace(options.Model) && options.ChatClient is null)
            {
                options.ChatClient = string.IsNullOrEmpty(options.ChatClientKey)
                    ? services.GetService<IChatClient>()
                        ?? throw new InvalidOperationException("it has no 'Model' and no IChatClient service is registered")
                    : services.GetRequiredKeyedService<IChatClient>(options.ChatClientKey);
            }
            return new BuiltInAgent(options, environment, loggerFactory);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw new InvalidOperationException($"Agent '{section.Key}' ({section.Path}) is misconfigured: {ex.Message}", ex);
        }
    }
}
