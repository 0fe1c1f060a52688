using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>Creates <see cref="BuiltInAgent"/>s from configuration (<c>CopilotRuntime:Agents:{id}</c>).</summary>
public static class BuiltInAgentConfiguration
{
    /// <summary>
    /// One agent per child of <paramref name="agentsSection"/>, keyed by the child's name, each bound to
    /// <see cref="BuiltInAgentOptions"/> (<c>Model</c>, <c>Prompt</c>, <c>Temperature</c>, <c>MaxSteps</c>,
    /// <c>MaxOutputTokens</c>, <c>MaxRetries</c>, <c>Description</c>, <c>ApiKey</c>, <c>BaseUrl</c>, <c>ToolChoice</c>,
    /// <c>ForwardSystemMessages</c>, <c>ForwardDeveloperMessages</c>, <c>ChatClientKey</c>, <c>OverridableProperties</c>,
    /// <c>McpServers</c>, <c>InterruptTools</c>, <c>Capabilities</c>; see docs/agents-builtin.md). An agent without
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

    /// <summary>
    /// The options of the Api's <c>default</c> agent, as the official runtime registers it:
    /// <c>openai/gpt-4o</c>, "You are a helpful assistant.", no retries.
    /// </summary>
    public static BuiltInAgentOptions DefaultAgentOptions() => new()
    {
        Model = "openai/gpt-4o",
        Prompt = "You are a helpful assistant.",
        MaxRetries = 0,
    };

    /// <summary>
    /// One agent from its configuration section, whose keys override <paramref name="defaults"/> (a missing section
    /// leaves the defaults as they are).
    /// </summary>
    /// <exception cref="InvalidOperationException">The configuration is invalid (the message names the agent).</exception>
    public static BuiltInAgent CreateAgent(IConfigurationSection section, IServiceProvider services, BuiltInAgentOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(services);
        var configuration = services.GetService<IConfiguration>();
        return CreateAgent(
            section,
            services,
            configuration is null ? ProviderEnvironment.Process : ProviderEnvironment.FromConfiguration(configuration),
            services.GetService<ILoggerFactory>(),
            defaults);
    }

    private static BuiltInAgent CreateAgent(IConfigurationSection section, IServiceProvider services, ProviderEnvironment environment,
        ILoggerFactory? loggerFactory, BuiltInAgentOptions? defaults = null)
    {
        var options = defaults?.Snapshot() ?? new BuiltInAgentOptions();
        try
        {
            BuiltInAgentSettings bindable = options; // the chat client and tools are code-only
            section.Bind(bindable);
            if (section.GetSection("Capabilities") is var capabilities && capabilities.Exists())
            {
                // Read here, not bound: free-form JSON (the binder leaves the property unusable).
                options.Capabilities = ConfigurationJson.ToElement(capabilities, defaults?.Capabilities);
            }
            // ChatClientKey selects a registered IChatClient (even over a default Model); "" is the unkeyed one,
            // which an agent without a Model also falls back to.
            if (options.ChatClient is null && (options.ChatClientKey is not null || string.IsNullOrWhiteSpace(options.Model)))
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
