using CopilotAspire.Runtime.Agents;

namespace CopilotAspire.Runtime.Hosting;

/// <summary>An agent registered under an id (added by <see cref="CopilotRuntimeBuilder.AddAgent(string, AbstractAgent)"/>).</summary>
public sealed record AgentRegistration(string Id, Func<IServiceProvider, AbstractAgent> Create);
