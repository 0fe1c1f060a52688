using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Extensions.AI;

namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>
/// The calls of a run's AG-UI state tools (<see cref="AgentTools.StateSnapshotTool"/>, <see cref="AgentTools.StateDeltaTool"/>):
/// each queues its <c>STATE_SNAPSHOT</c>/<c>STATE_DELTA</c> (a delta first sends the input state as a snapshot, once
/// per run) and answers the model as the official agent does.
/// </summary>
internal sealed class StateToolCalls(JsonElement? inputState)
{
    private bool _stateEmitted;

    /// <summary>Runs <paramref name="call"/> when it is a state tool, queuing its event into <paramref name="pending"/>.</summary>
    public bool TryInvoke(FunctionCallContent call, List<AgUiEvent> pending, out object? output)
    {
        var arguments = call.Arguments;
        switch (call.Name)
        {
            case AgentTools.StateSnapshotTool:
            {
                var snapshot = ToElement(arguments is not null && arguments.TryGetValue("snapshot", out var s) ? s : null);
                _stateEmitted = true;
                pending.Add(new StateSnapshotEvent { Snapshot = snapshot });
                output = ToolOutput("snapshot", snapshot);
                return true;
            }
            case AgentTools.StateDeltaTool:
            {
                var delta = NormalizeDelta(ToElement(arguments is not null && arguments.TryGetValue("delta", out var d) ? d : null));
                if (!_stateEmitted)
                {
                    pending.Add(new StateSnapshotEvent { Snapshot = inputState ?? AgUiJson.Parse("{}") });
                    _stateEmitted = true;
                }
                pending.Add(new StateDeltaEvent { Delta = delta });
                output = ToolOutput("delta", delta);
                return true;
            }
            default:
                output = null;
                return false;
        }
    }

    /// <summary>A JSON Patch with only <c>op</c>, <c>path</c> and (except for <c>remove</c>) <c>value</c>.</summary>
    private static JsonElement NormalizeDelta(JsonElement delta)
    {
        var patch = new JsonArray();
        if (delta.ValueKind == JsonValueKind.Array)
        {
            foreach (var op in delta.EnumerateArray())
            {
                if (op.ValueKind != JsonValueKind.Object
                    || !op.TryGetProperty("op", out var name) || name.ValueKind != JsonValueKind.String
                    || !op.TryGetProperty("path", out var path) || path.ValueKind != JsonValueKind.String)
                {
                    continue;
                }
                var normalized = new JsonObject { ["op"] = name.GetString(), ["path"] = path.GetString() };
                if (!name.ValueEquals("remove"))
                {
                    normalized["value"] = op.TryGetProperty("value", out var value) ? JsonNode.Parse(value.GetRawText()) : null;
                }
                patch.Add((JsonNode)normalized);
            }
        }
        return JsonSerializer.SerializeToElement<JsonNode>(patch, AgUiJsonContext.Default.JsonNode);
    }

    /// <summary>What the state tools return: <c>{"success":true,"snapshot"|"delta":…}</c>.</summary>
    private static JsonElement ToolOutput(string name, JsonElement value) =>
        JsonSerializer.SerializeToElement<JsonNode>(new JsonObject { ["success"] = true, [name] = JsonNode.Parse(value.GetRawText()) }, AgUiJsonContext.Default.JsonNode);

    private static JsonElement ToElement(object? value) => value switch
    {
        JsonElement element => element,
        null => AgUiJson.Parse("null"),
        _ => AgUiJson.Parse(AgentTools.Stringify(value)),
    };
}
