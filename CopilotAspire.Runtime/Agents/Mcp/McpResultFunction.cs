using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotAspire.Runtime.Agents.BuiltIn;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Extensions.AI;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace CopilotAspire.Runtime.Agents;

/// <summary>
/// An MCP tool whose output is the server's whole <c>CallToolResult</c> (<c>{"content":[…],…}</c>), as the AI SDK's MCP
/// tools return it (with <c>isError</c> defaulted to <c>false</c>, as their schema does), so <c>TOOL_CALL_RESULT.content</c>
/// and what the model sees match the official agent. (The SDK's <see cref="McpClientTool"/> alone unwraps a single
/// content block.)
/// </summary>
internal sealed class McpResultFunction(McpClientTool tool) : DelegatingAIFunction(tool)
{
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var result = await tool.CallAsync(arguments, cancellationToken: cancellationToken);
        result.IsError ??= false;
        return JsonSerializer.SerializeToElement(result, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(CallToolResult)));
    }

    /// <summary>
    /// What the model is sent for a result (the AI SDK's <c>mcpToModelOutput</c>, as JSON text): the <c>content</c>
    /// blocks with text as <c>{"type":"text","text"}</c>, images as <c>{"type":"image-data","data","mediaType"}</c> and
    /// any other block as a text part holding its JSON; the whole result when it has no <c>content</c> array.
    /// </summary>
    public static string ModelOutput(JsonElement result)
    {
        if (result.ValueKind != JsonValueKind.Object || !result.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
        {
            return AgentTools.Stringify(result);
        }
        var parts = new JsonArray();
        foreach (var part in content.EnumerateArray())
        {
            var type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type == "text" && part.TryGetProperty("text", out var text))
            {
                parts.Add((JsonNode)new JsonObject { ["type"] = "text", ["text"] = JsonNode.Parse(text.GetRawText()) });
            }
            else if (type == "image" && part.TryGetProperty("data", out var data) && part.TryGetProperty("mimeType", out var mimeType))
            {
                parts.Add((JsonNode)new JsonObject
                {
                    ["type"] = "image-data",
                    ["data"] = JsonNode.Parse(data.GetRawText()),
                    ["mediaType"] = JsonNode.Parse(mimeType.GetRawText()),
                });
            }
            else
            {
                parts.Add((JsonNode)new JsonObject { ["type"] = "text", ["text"] = AgentTools.Stringify(part) });
            }
        }
        return AgentTools.Stringify(JsonSerializer.SerializeToElement<JsonNode>(parts, AgUiJsonContext.Default.JsonNode));
    }
}
