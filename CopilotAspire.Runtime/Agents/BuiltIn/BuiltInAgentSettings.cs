using System.Text.Json;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Client;

namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>
/// The part of <see cref="BuiltInAgentOptions"/> that configuration binds (all but the code-only chat client and tools):
/// binding this type keeps the source-generated binder (NativeAOT) away from the tools' types.
/// </summary>
public class BuiltInAgentSettings
{
    /// <summary>
    /// The model as <c>"provider/model"</c>: <c>openai/gpt-4o</c>, <c>anthropic/claude-sonnet-4-5</c>,
    /// <c>google/gemini-2.5-flash</c> (also <c>gemini/…</c>), <c>azure-openai/&lt;deployment&gt;</c>.
    /// </summary>
    public string? Model { get; set; }

    /// <summary>
    /// The key of a keyed <see cref="IChatClient"/> service to use (configuration-created agents only);
    /// <c>""</c> means the unkeyed <see cref="IChatClient"/>.
    /// </summary>
    public string? ChatClientKey { get; set; }

    /// <summary>The system prompt (the first part of the system message, see the wire spec §10.3).</summary>
    public string? Prompt { get; set; }

    /// <summary>Shown in <c>/info</c>; <c>""</c> unless set (the prompt is not used, as in the official runtime).</summary>
    public string? Description { get; set; }

    /// <summary>
    /// Sampling temperature passed to the model; <see langword="null"/> leaves the provider's default.
    /// </summary>
    public float? Temperature { get; set; }

    /// <summary>
    /// Nucleus sampling: the probability mass of tokens considered; <see langword="null"/> leaves the provider's
    /// default.
    /// </summary>
    public float? TopP { get; set; }

    /// <summary>
    /// Only the K most likely tokens are considered (providers that support it); <see langword="null"/> leaves the
    /// default.
    /// </summary>
    public int? TopK { get; set; }

    /// <summary>
    /// Penalises tokens already present, encouraging new topics; <see langword="null"/> leaves the default.
    /// </summary>
    public float? PresencePenalty { get; set; }

    /// <summary>Penalises tokens by how often they appeared; <see langword="null"/> leaves the default.</summary>
    public float? FrequencyPenalty { get; set; }

    /// <summary>A seed for providers that sample deterministically with one; <see langword="null"/> for none.</summary>
    public long? Seed { get; set; }

    /// <summary>Texts at which the model stops generating; <see langword="null"/> for none.</summary>
    public IList<string>? StopSequences { get; set; }

    /// <summary>
    /// The most tokens the model may produce per call; <see langword="null"/> leaves the provider's limit.
    /// </summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary><c>auto</c> (default), <c>required</c>, <c>none</c>, or the name of one tool the model must call.</summary>
    public string? ToolChoice { get; set; }

    /// <summary>
    /// Model calls per run (default 1, as the official agent: a server tool runs and its result is emitted, but the
    /// model is not called again). Raise it to let the model answer after server tools.
    /// </summary>
    public int MaxSteps { get; set; } = 1;

    /// <summary>
    /// Retries of a failed model call made by the provider SDK (default 0: a provider error becomes <c>RUN_ERROR</c>
    /// at once; the official agent uses the AI SDK's default of 2). Not applied to a supplied <see cref="BuiltInAgentOptions.ChatClient"/>.
    /// </summary>
    public int MaxRetries { get; set; }

    /// <summary>Overrides the provider's API-key environment variable.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Overrides the provider's base-URL environment variable (the Azure OpenAI endpoint for <c>azure-openai</c>).</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Send the input's <c>system</c> messages to the model (after the built prompt). Default false.</summary>
    public bool ForwardSystemMessages { get; set; }

    /// <summary>Send the input's <c>developer</c> messages to the model as system messages. Default false.</summary>
    public bool ForwardDeveloperMessages { get; set; }

    /// <summary>
    /// The settings a run's <c>forwardedProps</c> may override (the official <c>overridableProperties</c>):
    /// <c>model</c>, <c>toolChoice</c>, <c>maxOutputTokens</c>, <c>temperature</c>, <c>topP</c>, <c>topK</c>,
    /// <c>presencePenalty</c>, <c>frequencyPenalty</c>, <c>stopSequences</c>, <c>seed</c>, <c>maxRetries</c>
    /// (<c>prompt</c> and <c>providerOptions</c> are accepted and ignored, as <c>prompt</c> is officially). Default none.
    /// </summary>
    public IList<string>? OverridableProperties { get; set; }

    /// <summary>MCP servers whose tools the model may call (streamable HTTP, SSE or stdio); connected per run.</summary>
    public IList<McpServerOptions> McpServers { get; set; } = [];

    /// <summary>Tools that pause the run for a human answer (interrupts) instead of running.</summary>
    public IList<InterruptToolOptions> InterruptTools { get; set; } = [];
}
