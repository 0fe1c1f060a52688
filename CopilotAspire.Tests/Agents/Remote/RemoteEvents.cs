using System.Text.Json;
using System.Text.Json.Nodes;

namespace CopilotAspire.Tests.Agents.Remote;

/// <summary>Events as the official client recorded them, with every id made equal, to compare two servers' runs.</summary>
public static class RemoteEvents
{
    private static readonly HashSet<string> IdNames = new(StringComparer.Ordinal) { "threadId", "runId", "messageId", "toolCallId", "parentMessageId", "id", "toolCallIds", "messageIds" };

    /// <summary>The <c>events</c> of a node scenario's result, ids replaced by <c>*</c>, one JSON line per event.</summary>
    public static List<string> WithoutIds(JsonElement result) =>
        result.GetProperty("events").EnumerateArray().Select(e => Strip(JsonNode.Parse(e.GetRawText())!).ToJsonString()).ToList();

    private static JsonNode Strip(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o.ToList())
                {
                    o[name] = value is null ? null : IdNames.Contains(name) ? Mask(value) : Strip(value);
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    a[i] = a[i] is { } item ? Strip(item) : null;
                }
                break;
        }
        return node.Parent is null ? node : node.DeepClone();
    }

    private static JsonNode Mask(JsonNode value) => value switch
    {
        JsonArray a => new JsonArray(a.Select(_ => (JsonNode?)JsonValue.Create("*")).ToArray()),
        _ => JsonValue.Create("*"),
    };
}
