using CopilotAspire.Runtime.Hosting;
using Microsoft.Agents.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.AgentFramework;

/// <summary>Registers Microsoft Agent Framework agents with the runtime (<see cref="FrameworkAgent"/>).</summary>
public static class FrameworkAgentBuilderExtensions
{
    /// <summary>Registers <paramref name="agent"/> under <paramref name="id"/>; every run uses it in a new session.</summary>
    public static CopilotRuntimeBuilder AddAgent(this CopilotRuntimeBuilder builder, string id, AIAgent agent, FrameworkAgentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(agent);
        return builder.AddAgent(id, sp => new FrameworkAgent(agent, options, sp.GetService<ILoggerFactory>()));
    }

    /// <summary>Registers an agent <paramref name="factory"/> under <paramref name="id"/>: called for every run, with the app's services.</summary>
    public static CopilotRuntimeBuilder AddAgent(this CopilotRuntimeBuilder builder, string id, Func<IServiceProvider, AIAgent> factory, FrameworkAgentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        return builder.AddAgent(id, sp => new FrameworkAgent(() => factory(sp), options, sp.GetService<ILoggerFactory>()));
    }
}
