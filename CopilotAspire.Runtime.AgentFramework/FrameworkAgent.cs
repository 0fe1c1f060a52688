using System.Text.Json;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Agents.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CopilotAspire.Runtime.AgentFramework;

/// <summary>
/// A Microsoft Agent Framework <see cref="AIAgent"/> (a <c>ChatClientAgent</c>, a workflow agent, any other) hosted as
/// a CopilotKit agent (wire spec §18). Each run builds the agent's conversation from the request's messages in a new
/// session, so any replica serves any turn; the client's tools are offered as declarations only, and a call to one ends
/// the run for the client to answer. The agent's stream becomes AG-UI events through the mapping BuiltInAgent uses.
/// </summary>
public sealed class FrameworkAgent : AbstractAgent
{
    /// <summary>Run option key (in <c>AgentRunOptions.AdditionalProperties</c> and <c>ChatOptions.AdditionalProperties</c>): the input's <c>state</c> (a <see cref="JsonElement"/>).</summary>
    public const string StateKey = "ag_ui_state";

    /// <summary>Run option key: the input's <c>context</c> (an <c>IReadOnlyList&lt;Context&gt;</c>).</summary>
    public const string ContextKey = "ag_ui_context";

    /// <summary>Run option key: the input's <c>forwardedProps</c> (a <see cref="JsonElement"/>).</summary>
    public const string ForwardedPropsKey = "ag_ui_forwarded_properties";

    /// <summary>Run option key: the thread id.</summary>
    public const string ThreadIdKey = "ag_ui_thread_id";

    /// <summary>Run option key: the run id.</summary>
    public const string RunIdKey = "ag_ui_run_id";

    private static readonly JsonElement s_capabilities = AgUiJson.Parse(
        """{"tools":{"supported":true,"clientProvided":true},"transport":{"streaming":true}}""");

    private readonly Func<AIAgent> _create;
    private readonly FrameworkAgentOptions _options;
    private readonly ILogger _logger;

    /// <summary>Hosts <paramref name="agent"/>: the same instance serves every run, each in a new session.</summary>
    public FrameworkAgent(AIAgent agent, FrameworkAgentOptions? options = null, ILoggerFactory? loggerFactory = null)
        : this(() => agent, options, loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(agent);
        Description = _options.Description ?? agent.Description ?? "";
    }

    /// <summary>Hosts the agent <paramref name="factory"/> creates, called once per run (a failure ends that run with <c>RUN_ERROR</c>).</summary>
    public FrameworkAgent(Func<AIAgent> factory, FrameworkAgentOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _create = factory;
        _options = options?.Snapshot() ?? new FrameworkAgentOptions();
        _logger = (ILogger?)loggerFactory?.CreateLogger<FrameworkAgent>() ?? NullLogger.Instance;
        Description = _options.Description ?? "";
    }

    private FrameworkAgent(FrameworkAgent source)
        : base(source)
    {
        _create = source._create;
        _options = source._options;
        _logger = source._logger;
    }

    /// <inheritdoc/>
    public override ValueTask<JsonElement?> GetCapabilitiesAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<JsonElement?>(s_capabilities);

    /// <inheritdoc/>
    public override AbstractAgent Clone() => new FrameworkAgent(this);

    /// <inheritdoc/>
    public override IAsyncEnumerable<AgUiEvent> RunAsync(RunAgentInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new FrameworkAgentRun(input, _create, _options, _logger).RunAsync(cancellationToken);
    }
}
