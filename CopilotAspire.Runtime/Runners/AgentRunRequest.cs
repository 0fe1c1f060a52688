using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Runners;

/// <summary>A run to start: the per-request agent clone and the parsed input.</summary>
/// <param name="ThreadId">The thread of the run, as the client names it (<see cref="RunAgentInput.ThreadId"/>).</param>
/// <param name="AgentId">The agent of the route; a thread's runs are stored under it.</param>
/// <param name="Agent">A clone of the registered agent made for this request only (wire spec §6.1): the runner runs
/// it and may drop it afterwards.</param>
/// <param name="Input">The parsed request body; its forwarded headers are on <paramref name="Agent"/>.</param>
public sealed record AgentRunRequest(string ThreadId, string AgentId, AbstractAgent Agent, RunAgentInput Input)
{
    /// <summary>The thread scope of the request (<see cref="ThreadKey.Scope"/>); <see langword="null"/>: unscoped.</summary>
    public string? Scope { get; init; }

    /// <summary>The thread as the runner keys it: <see cref="ThreadId"/> within <see cref="Scope"/>.</summary>
    public ThreadKey Thread => new(ThreadId, Scope);
}
