using System.Text;
using System.Text.Json;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Extensions.AI;

namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>
/// The tools offered to the model for one run, in the official order: the client's frontend tools (declarations
/// only, never run here), then the configured server tools and interrupt tools (same name wins), then the two state
/// tools, then the MCP servers' tools (run here, as server tools).
/// </summary>
internal sealed class AgentTools
{
    public const string StateSnapshotTool = "AGUISendStateSnapshot";
    public const string StateDeltaTool = "AGUISendStateDelta";

    private static readonly AIFunctionDeclaration s_stateSnapshot = AIFunctionFactory.CreateDeclaration(
        StateSnapshotTool,
        "Replace the entire application state with a new snapshot",
        AgUiJson.Parse("""
            {"type":"object","properties":{"snapshot":{"description":"The complete new state object"}},"required":["snapshot"],"additionalProperties":false}
            """));

    private static readonly AIFunctionDeclaration s_stateDelta = AIFunctionFactory.CreateDeclaration(
        StateDeltaTool,
        "Apply incremental updates to application state using JSON Patch operations",
        AgUiJson.Parse("""
            {"type":"object","properties":{"delta":{"type":"array","description":"Array of JSON Patch operations","items":{"type":"object","properties":{"op":{"type":"string","enum":["add","replace","remove"],"description":"The operation to perform"},"path":{"type":"string","description":"JSON Pointer path (e.g., '/foo/bar')"},"value":{"description":"The value to set. Required for 'add' and 'replace' operations, ignored for 'remove'."}},"required":["op","path"],"additionalProperties":false}}},"required":["delta"],"additionalProperties":false}
            """));

    private readonly Dictionary<string, AIFunction> _serverTools = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InterruptToolOptions> _interruptTools = new(StringComparer.Ordinal);

    public AgentTools(IReadOnlyList<Tool> frontendTools, IEnumerable<AIFunction> configTools,
        IList<InterruptToolOptions>? interruptTools = null, IEnumerable<AIFunction>? mcpTools = null)
    {
        var ordered = new List<AITool>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        void Add(string name, AITool tool)
        {
            if (positions.TryGetValue(name, out var index))
            {
                ordered[index] = tool;
            }
            else
            {
                positions[name] = ordered.Count;
                ordered.Add(tool);
            }
        }

        foreach (var tool in frontendTools)
        {
            Add(tool.Name, ChatInput.ToolDeclaration(tool));
        }
        foreach (var function in configTools)
        {
            Add(function.Name, function);
            _serverTools[function.Name] = function;
        }
        for (var i = 0; i < (interruptTools?.Count ?? 0); i++)
        {
            var tool = interruptTools![i];
            Add(tool.Name, InterruptTools.Declare(tool, i));
            _serverTools.Remove(tool.Name);
            _interruptTools[tool.Name] = tool;
        }
        Add(StateSnapshotTool, s_stateSnapshot);
        Add(StateDeltaTool, s_stateDelta);
        _serverTools.Remove(StateSnapshotTool);
        _serverTools.Remove(StateDeltaTool);
        _interruptTools.Remove(StateSnapshotTool);
        _interruptTools.Remove(StateDeltaTool);
        foreach (var function in mcpTools ?? [])
        {
            Add(function.Name, function);
            _serverTools[function.Name] = function;
            _interruptTools.Remove(function.Name);
        }
        All = ordered;
    }

    /// <summary>Everything offered to the model.</summary>
    public IList<AITool> All { get; }

    /// <summary>A call of this tool runs on the server (a configured tool or a state tool).</summary>
    public bool IsServerTool(string name) => name is StateSnapshotTool or StateDeltaTool || _serverTools.ContainsKey(name);

    public AIFunction? GetFunction(string name) => _serverTools.GetValueOrDefault(name);

    /// <summary>The interrupt tool of this name: a call of it pauses the run (wire spec §19.3).</summary>
    public InterruptToolOptions? GetInterruptTool(string name) => _interruptTools.GetValueOrDefault(name);

    /// <summary><c>JSON.stringify(value)</c> for a tool's input or output.</summary>
    public static string Stringify(object? value)
    {
        if (value is null)
        {
            return "null";
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JsonStringifyEncoder.Instance }))
        {
            switch (value)
            {
                case JsonElement element:
                    element.WriteTo(writer);
                    break;
                case string text:
                    writer.WriteStringValue(text);
                    break;
                default:
                    JsonSerializer.Serialize(writer, value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType()));
                    break;
            }
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
