using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>
/// The LLM agent of CopilotKit's runtime (<c>BuiltInAgent</c>) on Microsoft.Extensions.AI: a model chosen by
/// <c>"provider/model"</c> or any <see cref="Microsoft.Extensions.AI.IChatClient"/>, the client's frontend tools offered
/// as declarations, server tools run here, context and state rendered into the system prompt, and the model's stream
/// mapped to AG-UI events exactly as the official agent maps the AI SDK's (wire spec §10).
/// </summary>
public class BuiltInAgent : AbstractAgent
{
    private const string InferredCapabilities =
        """{"tools":{"supported":true,"clientProvided":true},"transport":{"streaming":true},"humanInTheLoop":{"interrupts":true}}""";

    private readonly BuiltInAgentOptions _options;
    private readonly ModelBindings _models;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly ILogger _logger;
    private readonly JsonElement _capabilities;

    /// <summary>Creates the agent. A malformed model string or an unknown provider throws here; a missing key does not.</summary>
    /// <param name="options">The configuration (copied).</param>
    /// <param name="configuration">Where provider keys and base URLs are read; the process environment when null.</param>
    /// <param name="loggerFactory">For the agent's and the chat client's logs.</param>
    /// <exception cref="ArgumentException">The model string is invalid or names an unknown provider.</exception>
    public BuiltInAgent(BuiltInAgentOptions options, IConfiguration? configuration = null, ILoggerFactory? loggerFactory = null)
        : this(options, configuration is null ? ProviderEnvironment.Process : ProviderEnvironment.FromConfiguration(configuration), loggerFactory)
    {
    }

    /// <summary>Creates the agent with an explicit source of provider keys and base URLs.</summary>
    public BuiltInAgent(BuiltInAgentOptions options, ProviderEnvironment environment, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        _options = options.Snapshot();
        Validate(_options);
        _models = new ModelBindings(_options, environment, loggerFactory);
        _loggerFactory = loggerFactory;
        _logger = (ILogger?)loggerFactory?.CreateLogger<BuiltInAgent>() ?? NullLogger.Instance;
        _capabilities = MergeCapabilities(_options.Capabilities);
        Description = _options.Description ?? "";
    }

    /// <summary>A clone: same configuration and the same (lazily built) chat client.</summary>
    protected BuiltInAgent(BuiltInAgent source)
        : base(source)
    {
        _options = source._options;
        _models = source._models;
        _loggerFactory = source._loggerFactory;
        _logger = source._logger;
        _capabilities = source._capabilities;
    }

    /// <summary>The configuration this agent runs with (a copy of what it was given).</summary>
    public BuiltInAgentOptions Options => _options.Snapshot();

    /// <summary>
    /// The official BuiltInAgent's capabilities (client tools, streaming, interrupts), shallow-merged with the
    /// configured ones (wire spec §9).
    /// </summary>
    /// <param name="cancellationToken">Unused: the answer is fixed when the agent is made.</param>
    public override ValueTask<JsonElement?> GetCapabilitiesAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<JsonElement?>(_capabilities);

    /// <inheritdoc/>
    public override AbstractAgent Clone() => new BuiltInAgent(this);

    /// <inheritdoc/>
    public override IAsyncEnumerable<AgUiEvent> RunAsync(RunAgentInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BuiltInAgentRun(input, _options, _models, _loggerFactory, _logger).RunAsync(cancellationToken);
    }

    /// <summary>MCP servers, interrupt tools and overridable properties are checked when the agent is created.</summary>
    private static void Validate(BuiltInAgentOptions options)
    {
        for (var i = 0; i < options.McpServers.Count; i++)
        {
            options.McpServers[i].Validate(i);
        }
        for (var i = 0; i < options.InterruptTools.Count; i++)
        {
            InterruptTools.Declare(options.InterruptTools[i], i);
        }
        if (options.Capabilities is { ValueKind: not JsonValueKind.Object } capabilities)
        {
            throw new ArgumentException($"Capabilities must be a JSON object (got {capabilities.ValueKind}).");
        }
        foreach (var property in options.OverridableProperties ?? [])
        {
            if (!RunSettings.Overridable.Contains(property))
            {
                throw new ArgumentException(
                    $"OverridableProperties: unknown property \"{property}\" (use {string.Join(", ", RunSettings.Overridable)}).");
            }
        }
    }

    /// <summary>The inferred capabilities with the configured ones shallow-merged over them (<c>{...inferred, ...capabilities}</c>).</summary>
    private static JsonElement MergeCapabilities(JsonElement? configured)
    {
        var merged = JsonNode.Parse(InferredCapabilities)!.AsObject();
        if (configured is { ValueKind: JsonValueKind.Object } capabilities)
        {
            foreach (var property in capabilities.EnumerateObject())
            {
                merged[property.Name] = JsonNode.Parse(property.Value.GetRawText());
            }
        }
        return JsonSerializer.SerializeToElement<JsonNode>(merged, AgUiJsonContext.Default.JsonNode);
    }
}
