namespace CopilotAspire.Runtime.AgentFramework;

/// <summary>How a Microsoft Agent Framework agent is hosted as a CopilotKit agent (see <see cref="FrameworkAgent"/>).</summary>
public sealed class FrameworkAgentOptions
{
    /// <summary>Shown in <c>/info</c>; default: the agent's own <c>Description</c> (for a factory: empty).</summary>
    public string? Description { get; set; }

    /// <summary>Send the input's <c>system</c> messages to the agent (as system messages). Default false, as BuiltInAgent.</summary>
    public bool ForwardSystemMessages { get; set; }

    /// <summary>Send the input's <c>developer</c> messages to the agent as system messages. Default false, as BuiltInAgent.</summary>
    public bool ForwardDeveloperMessages { get; set; }

    /// <summary>
    /// Render the input's <c>context</c> and <c>state</c> into a system message placed before the conversation (as
    /// BuiltInAgent renders them into its prompt). Default true. Both also reach the agent, either way, in
    /// <c>AdditionalProperties</c> of the run options (<see cref="FrameworkAgent.StateKey"/>, <see cref="FrameworkAgent.ContextKey"/>).
    /// </summary>
    public bool RenderContextAndState { get; set; } = true;

    internal FrameworkAgentOptions Snapshot() => new()
    {
        Description = Description,
        ForwardSystemMessages = ForwardSystemMessages,
        ForwardDeveloperMessages = ForwardDeveloperMessages,
        RenderContextAndState = RenderContextAndState,
    };
}
