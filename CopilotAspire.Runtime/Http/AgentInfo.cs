using System.Text.Json;

namespace CopilotAspire.Runtime.Http;

/// <summary>
/// One agent in <c>/info</c>'s <c>agents</c> (wire spec §9): <c>{name, description, className, capabilities?}</c>.
/// </summary>
/// <param name="Name">The agent id it is registered under (the key of the entry).</param>
/// <param name="Description">The agent's description; empty for the built-in agent, as in the official runtime.</param>
/// <param name="ClassName">The agent's .NET type name (the official runtime reports its JavaScript class).</param>
/// <param name="Capabilities">What the agent supports (tools, streaming, interrupts), as a JSON object; omitted when
/// the agent declares none.</param>
public sealed record AgentInfo(string Name, string Description, string ClassName, JsonElement? Capabilities = null);
