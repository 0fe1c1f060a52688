using System.Text.Json;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Client;

namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>
/// Configuration of a <see cref="BuiltInAgent"/> (the classic config of CopilotKit's <c>BuiltInAgent</c>). Bindable
/// from a configuration section (<c>CopilotRuntime:Agents:{id}</c>): <c>Model</c>, <c>Prompt</c>, <c>Temperature</c>,
/// <c>MaxSteps</c>, <c>MaxOutputTokens</c>, <c>MaxRetries</c>, <c>Description</c>, <c>ApiKey</c>, <c>BaseUrl</c>,
/// <c>ChatClientKey</c>… Set either <see cref="BuiltInAgentSettings.Model"/> or <see cref="ChatClient"/>.
/// </summary>
public sealed class BuiltInAgentOptions : BuiltInAgentSettings
{
    /// <summary>Any chat client (from DI, Azure OpenAI, Ollama…); wins over <see cref="BuiltInAgentSettings.Model"/>. Not bindable.</summary>
    public IChatClient? ChatClient { get; set; }

    /// <summary>Server-side tools: run on the server; their results are streamed as <c>TOOL_CALL_RESULT</c>. Not bindable.</summary>
    public IList<AIFunction> Tools { get; set; } = [];

    /// <summary>
    /// User-managed MCP clients (the official <c>mcpClients</c>): their tools are listed when each run starts; the
    /// agent neither opens nor closes them. Not bindable (use <see cref="BuiltInAgentSettings.McpServers"/>).
    /// </summary>
    public IList<McpClient> McpClients { get; set; } = [];

    /// <summary>
    /// Shallow-merged over the inferred capabilities in <c>/info</c> (the official <c>capabilities</c>). From
    /// configuration: the <c>Capabilities</c> section, read as JSON (<c>true</c>/<c>false</c> and numbers typed).
    /// </summary>
    public JsonElement? Capabilities { get; set; }

    internal BuiltInAgentOptions Snapshot() => new()
    {
        Model = Model,
        ChatClient = ChatClient,
        ChatClientKey = ChatClientKey,
        Prompt = Prompt,
        Description = Description,
        Temperature = Temperature,
        TopP = TopP,
        TopK = TopK,
        PresencePenalty = PresencePenalty,
        FrequencyPenalty = FrequencyPenalty,
        Seed = Seed,
        StopSequences = StopSequences is null ? null : [.. StopSequences],
        MaxOutputTokens = MaxOutputTokens,
        ToolChoice = ToolChoice,
        MaxSteps = MaxSteps,
        MaxRetries = MaxRetries,
        ApiKey = ApiKey,
        BaseUrl = BaseUrl,
        ForwardSystemMessages = ForwardSystemMessages,
        ForwardDeveloperMessages = ForwardDeveloperMessages,
        Tools = [.. Tools],
        OverridableProperties = OverridableProperties is null ? null : [.. OverridableProperties],
        McpServers = [.. McpServers.Select(s => s.Copy())],
        McpClients = [.. McpClients],
        InterruptTools = [.. InterruptTools.Select(t => t.Copy())],
        Capabilities = Capabilities?.Clone(),
    };
}
