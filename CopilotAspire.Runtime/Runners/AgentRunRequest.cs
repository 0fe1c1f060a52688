using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Runners;

/// <summary>A run to start: the per-request agent clone and the parsed input.</summary>
public sealed record AgentRunRequest(string ThreadId, string AgentId, AbstractAgent Agent, RunAgentInput Input)
{
    /// <summary>The thread scope of the request (<see cref="ThreadKey.Scope"/>); <see langword="null"/>: unscoped.</summary>
    public string? Scope { get; init; }

    public ThreadKey Thread => new(ThreadId, Scope);
}
