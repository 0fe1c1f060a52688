using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Agents.BuiltIn;
using CopilotAspire.Runtime.Agents.Remote;
using CopilotAspire.Runtime.Middleware;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Runtime.Transcription;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CopilotAspire.Runtime.Hosting;

/// <summary>Configures the runtime added by <c>AddCopilotRuntime</c>: agents, runner, transcription, middleware.</summary>
public sealed class CopilotRuntimeBuilder(IHostApplicationBuilder host)
{
    public IHostApplicationBuilder Host { get; } = host;

    public IServiceCollection Services => Host.Services;

    public IConfiguration Configuration => Host.Configuration;

    /// <summary>The <c>CopilotRuntime</c> configuration section.</summary>
    public IConfigurationSection Section => Configuration.GetSection(CopilotRuntimeOptions.SectionName);

    public CopilotRuntimeBuilder AddAgent(string id, AbstractAgent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return AddAgent(id, _ => agent);
    }

    public CopilotRuntimeBuilder AddAgent(string id, Func<IServiceProvider, AbstractAgent> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(create);
        Services.AddSingleton(new AgentRegistration(id, create));
        return this;
    }

    /// <summary>Resolves the agents per request instead of using the registered ones.</summary>
    public CopilotRuntimeBuilder WithAgentsFactory(AgentsFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.Replace(ServiceDescriptor.Singleton(factory));
        return this;
    }

    /// <summary>
    /// Keeps threads per <paramref name="resolver"/>'s scope (e.g. per user): a request can run, connect to, resume and
    /// stop only the threads of its own scope, in every runner; another scope's thread answers as unknown. Default:
    /// no scope (any client that knows a thread id can use it, as in the official runtime).
    /// </summary>
    public CopilotRuntimeBuilder WithThreadScope(ThreadScopeResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        Services.Replace(ServiceDescriptor.Singleton(resolver));
        return this;
    }

    /// <summary>Keeps threads per authenticated user, by the value of their <paramref name="claimType"/> claim (see <see cref="ThreadScopes.FromClaim"/>).</summary>
    public CopilotRuntimeBuilder WithThreadScopeFromClaim(string claimType) => WithThreadScope(ThreadScopes.FromClaim(claimType));

    public CopilotRuntimeBuilder WithRunner<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors)] TRunner>() where TRunner : AgentRunner
    {
        Services.Replace(ServiceDescriptor.Singleton<AgentRunner, TRunner>());
        return this;
    }

    public CopilotRuntimeBuilder WithRunner(AgentRunner runner)
    {
        Services.Replace(ServiceDescriptor.Singleton(runner));
        return this;
    }

    public CopilotRuntimeBuilder WithTranscriptionService(TranscriptionService service)
    {
        Services.Replace(ServiceDescriptor.Singleton(service));
        return this;
    }

    public CopilotRuntimeBuilder UseBeforeRequest(BeforeRequestMiddleware middleware)
    {
        Services.AddSingleton(middleware);
        return this;
    }

    /// <summary>
    /// Adds an after-request middleware. <paramref name="readsMessages"/>: it reads <see cref="AfterRequestContext.Messages"/>
    /// (rebuilt from the stream for it); pass <see langword="false"/> when it needs only the counts and ids, and no run
    /// pays for rebuilding its messages.
    /// </summary>
    public CopilotRuntimeBuilder UseAfterRequest(AfterRequestMiddleware middleware, bool readsMessages = true)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        Services.AddSingleton(new AfterRequestRegistration(middleware, readsMessages));
        return this;
    }

    /// <summary>
    /// Registers the LLM agents of configuration: <c>default</c> (<c>openai/gpt-4o</c>, "You are a helpful assistant.",
    /// no retries; any key under <c>CopilotRuntime:Agents:default</c> overrides it) and every other
    /// <c>CopilotRuntime:Agents:{id}</c> section (<c>Model</c>, <c>Prompt</c>, <c>Temperature</c>, <c>MaxSteps</c>,
    /// <c>Description</c>, …), or, with <c>Type = http</c>, a remote AG-UI agent (<c>Url</c>, <c>Headers</c>, …:
    /// <see cref="HttpAgentOptions"/>). A missing API key does not stop the app: the run reports it.
    /// </summary>
    public CopilotRuntimeBuilder AddAgentsFromConfiguration()
    {
        var agents = Section.GetSection("Agents");
        var defaultAgent = agents.GetSection("default");
        if (HttpAgentConfiguration.IsHttpAgent(defaultAgent))
        {
            AddHttpAgentFromConfiguration(defaultAgent);
        }
        else
        {
            AddAgent("default", sp => BuiltInAgentConfiguration.CreateAgent(defaultAgent, sp, BuiltInAgentConfiguration.DefaultAgentOptions()));
        }
        foreach (var child in agents.GetChildren().Where(c => c.Key != "default"))
        {
            if (HttpAgentConfiguration.IsHttpAgent(child))
            {
                AddHttpAgentFromConfiguration(child);
                continue;
            }
            AddAgent(child.Key, sp => BuiltInAgentConfiguration.CreateAgent(child, sp));
        }
        return this;
    }

    /// <summary>A remote AG-UI agent section (<c>Type = http</c>, <c>Url</c>, …: <see cref="HttpAgentOptions"/>).</summary>
    private void AddHttpAgentFromConfiguration(IConfigurationSection section)
    {
        HttpAgentConfiguration.AddHttpAgentClient(Services);
        AddAgent(section.Key, sp => HttpAgentConfiguration.CreateAgent(section, sp));
    }

    internal void AddDefaults()
    {
        Services.TryAddSingleton<AgentRunner, InMemoryAgentRunner>();
    }
}
