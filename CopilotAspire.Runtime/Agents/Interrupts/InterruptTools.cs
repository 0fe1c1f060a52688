using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotAspire.Runtime.Agents.BuiltIn;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Extensions.AI;

namespace CopilotAspire.Runtime.Agents;

/// <summary>
/// Interrupts of the BuiltInAgent (wire spec §19.3): the interrupt tools' declarations, the <c>outcome</c> of a run
/// they paused, and the resume entries turned into the tool results the model sees on the next run.
/// </summary>
internal static class InterruptTools
{
    private const string DefaultParameters = """{"type":"object","properties":{}}""";

    /// <summary>The declaration offered to the model (no executor: a call pauses the run).</summary>
    /// <exception cref="ArgumentException">The name is empty or the parameters are not a JSON object.</exception>
    public static AIFunctionDeclaration Declare(InterruptToolOptions tool, int index)
    {
        if (string.IsNullOrWhiteSpace(tool.Name))
        {
            throw new ArgumentException($"InterruptTools:{index}: 'Name' is required.");
        }
        JsonElement schema;
        try
        {
            schema = AgUiJson.Parse(string.IsNullOrWhiteSpace(tool.Parameters) ? DefaultParameters : tool.Parameters);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"InterruptTools:{index} ({tool.Name}): 'Parameters' is not valid JSON: {ex.Message}", ex);
        }
        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"InterruptTools:{index} ({tool.Name}): 'Parameters' must be a JSON Schema object.");
        }
        return AIFunctionFactory.CreateDeclaration(tool.Name, tool.Description ?? "", schema);
    }

    /// <summary><c>{"type":"interrupt","interrupts":[{"id","toolCallId","reason"[,"message"]}…]}</c>, in call order.</summary>
    public static JsonElement Outcome(IReadOnlyList<(string ToolCallId, InterruptToolOptions Tool)> interrupts)
    {
        var list = new JsonArray();
        foreach (var (id, tool) in interrupts)
        {
            var entry = new JsonObject { ["id"] = id, ["toolCallId"] = id, ["reason"] = tool.Reason ?? "tool_call" };
            if (!string.IsNullOrEmpty(tool.Message))
            {
                entry["message"] = tool.Message;
            }
            list.Add((JsonNode)entry);
        }
        var outcome = new JsonObject { ["type"] = "interrupt", ["interrupts"] = list };
        return JsonSerializer.SerializeToElement<JsonNode>(outcome, AgUiJsonContext.Default.JsonNode);
    }

    /// <summary>
    /// Appends one tool result per <c>resume</c> entry whose interrupt has no result yet among <paramref name="messages"/>:
    /// <c>{"status":"cancelled"}</c> for a cancelled entry, else its <c>payload</c>, else <c>{"status":"resolved"}</c>.
    /// </summary>
    public static void AppendResumeResults(List<ChatMessage> messages, IReadOnlyList<ResumeEntry>? resume)
    {
        if (resume is not { Count: > 0 })
        {
            return;
        }
        var answered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.Tool)
            {
                foreach (var result in message.Contents.OfType<FunctionResultContent>())
                {
                    answered.Add(result.CallId);
                }
            }
        }
        foreach (var entry in resume)
        {
            if (entry is null || !answered.Add(entry.InterruptId))
            {
                continue;
            }
            var value = entry.Status == "cancelled"
                ? AgUiJson.Parse("""{"status":"cancelled"}""")
                : entry.Payload is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } payload ? payload : AgUiJson.Parse("""{"status":"resolved"}""");
            // Compact JSON text, as the AI SDK sends a JSON tool output (a JsonElement result would be sent indented).
            messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(entry.InterruptId, AgentTools.Stringify(value))]));
        }
    }
}
