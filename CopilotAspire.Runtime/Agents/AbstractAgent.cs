using System.Text.Json;
using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Agents;

/// <summary>
/// An agent the runtime hosts. The runtime never runs a registered instance: each request gets a
/// <see cref="Clone"/>, so nothing a run does leaks into another thread.
/// </summary>
public abstract class AbstractAgent
{
    /// <summary>
    /// An agent with no id, description or headers yet; the runtime sets <see cref="AgentId"/> when it registers it.
    /// </summary>
    protected AbstractAgent()
    {
    }

    /// <summary>Copies the base state of <paramref name="source"/> (for <see cref="Clone"/> implementations).</summary>
    protected AbstractAgent(AbstractAgent source)
    {
        ArgumentNullException.ThrowIfNull(source);
        AgentId = source.AgentId;
        Description = source.Description;
        foreach (var (name, value) in source.Headers)
        {
            Headers.TryAdd(name, value);
        }
    }

    /// <summary>The registry key this agent runs under (set by the runtime on the clone).</summary>
    public string AgentId { get; set; } = "";

    /// <summary>Shown in <c>/info</c>; empty by default, as in the official runtime.</summary>
    public string Description { get; set; } = "";

    /// <summary>
    /// Headers for the agent's own outbound calls. Headers configured on the registered agent win over headers
    /// forwarded from the client request (names compared case-insensitively).
    /// </summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The class name <c>/info</c> reports.</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>Capabilities reported by <c>/info</c>, or <see langword="null"/> to report none.</summary>
    public virtual ValueTask<JsonElement?> GetCapabilitiesAsync(CancellationToken cancellationToken) => ValueTask.FromResult<JsonElement?>(null);

    /// <summary>A fresh instance with the same configuration, for one request.</summary>
    public abstract AbstractAgent Clone();

    /// <summary>
    /// Runs the agent. The stream should start with <c>RUN_STARTED</c> and end with <c>RUN_FINISHED</c> or
    /// <c>RUN_ERROR</c>; the runtime's pipeline expands chunks, enforces the protocol's ordering rules and
    /// closes whatever the agent leaves open. <paramref name="cancellationToken"/> is cancelled on stop: the
    /// agent should end promptly, by completing or by throwing <see cref="OperationCanceledException"/>.
    /// </summary>
    public abstract IAsyncEnumerable<AgUiEvent> RunAsync(RunAgentInput input, CancellationToken cancellationToken);
}
