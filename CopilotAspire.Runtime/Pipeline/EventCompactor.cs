using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Pipeline;

/// <summary>
/// AG-UI's <c>compactEvents</c>, used to store finished runs and replay them on <c>connect</c>: a message's deltas
/// become one <c>TEXT_MESSAGE_CONTENT</c> (a tool call's one <c>TOOL_CALL_ARGS</c>) emitted where the message ends,
/// with events that arrived meanwhile right after it; a run's state events fold into one <c>STATE_SNAPSHOT</c>
/// just before its <c>RUN_FINISHED</c> / <c>RUN_ERROR</c>.
/// </summary>
public static class EventCompactor
{
    private const int MaxKeptDeltas = 16 * 1024;
    private const int MaxSpareLists = 8;

    /// <summary>Delta lists of finished compactions, reused by this thread's next ones (a run's deltas are many).</summary>
    [ThreadStatic]
    private static Stack<List<string>>? t_spareDeltas;

    private sealed class PendingStream
    {
        public Dictionary<string, PendingStream>? Map; // texts or tools: the same id may name one of each
        public AgUiEvent? Start;
        public List<string>? Deltas;
        public AgUiEvent? End;
        public List<AgUiEvent>? Others;

        public void AddDelta(string delta)
        {
            if (Deltas is null)
            {
                Deltas = t_spareDeltas is { Count: > 0 } spare ? spare.Pop() : [];
            }
            Deltas.Add(delta);
        }

        /// <summary>The deltas joined, the list given back for reuse.</summary>
        public string? TakeJoinedDeltas()
        {
            if (Deltas is not { } deltas)
            {
                return null;
            }
            Deltas = null;
            var joined = deltas.Count > 0 ? string.Concat(deltas) : null;
            var spare = t_spareDeltas ??= new Stack<List<string>>();
            if (deltas.Capacity <= MaxKeptDeltas && spare.Count < MaxSpareLists)
            {
                deltas.Clear();
                spare.Push(deltas);
            }
            return joined;
        }
    }

    /// <summary>
    /// Compacts a run's events, or several runs' in order (wire spec §4.5); the input is not changed.
    /// </summary>
    /// <param name="events">The events as they were streamed.</param>
    /// <returns>A new list: fewer events, the same messages, tool calls and final state.</returns>
    public static List<AgUiEvent> Compact(IEnumerable<AgUiEvent> events)
    {
        var compacted = new List<AgUiEvent>();
        var texts = new Dictionary<string, PendingStream>(StringComparer.Ordinal);
        var textOrder = new List<string>();
        var tools = new Dictionary<string, PendingStream>(StringComparer.Ordinal);
        var toolOrder = new List<string>();
        var stateEvents = new List<AgUiEvent>();
        JsonNode? runningState = new JsonObject();

        // Deltas of one message or tool call usually come in a row: the stream found last is checked first.
        string? lastId = null;
        PendingStream? last = null;
        PendingStream Get(Dictionary<string, PendingStream> map, List<string> order, string id)
        {
            if (last is not null && ReferenceEquals(map, last.Map) && string.Equals(id, lastId, StringComparison.Ordinal))
            {
                return last;
            }
            if (!map.TryGetValue(id, out var p))
            {
                p = new PendingStream { Map = map };
                map[id] = p;
                order.Add(id);
            }
            (lastId, last) = (id, p);
            return p;
        }

        foreach (var e in events is List<AgUiEvent> list ? System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list) : events.ToArray())
        {
            switch (e)
            {
                case TextMessageStartEvent s:
                    Get(texts, textOrder, s.MessageId).Start = s;
                    break;
                case TextMessageContentEvent c:
                    Get(texts, textOrder, c.MessageId).AddDelta(c.Delta);
                    break;
                case TextMessageEndEvent end:
                    {
                        var p = Get(texts, textOrder, end.MessageId);
                        p.End = end;
                        FlushText(end.MessageId, p, compacted);
                        texts.Remove(end.MessageId);
                        textOrder.Remove(end.MessageId);
                        last = null;
                        break;
                    }
                case ToolCallStartEvent s:
                    Get(tools, toolOrder, s.ToolCallId).Start = s;
                    break;
                case ToolCallArgsEvent a:
                    Get(tools, toolOrder, a.ToolCallId).AddDelta(a.Delta);
                    break;
                case ToolCallEndEvent end:
                    {
                        var p = Get(tools, toolOrder, end.ToolCallId);
                        p.End = end;
                        FlushTool(end.ToolCallId, p, compacted);
                        tools.Remove(end.ToolCallId);
                        toolOrder.Remove(end.ToolCallId);
                        last = null;
                        break;
                    }
                case RunStartedEvent or RunFinishedEvent or RunErrorEvent:
                    runningState = FlushState(stateEvents, compacted, runningState);
                    stateEvents.Clear();
                    compacted.Add(e);
                    break;
                case StateSnapshotEvent or StateDeltaEvent:
                    stateEvents.Add(e);
                    break;
                default:
                    var open = textOrder.Select(id => texts[id]).FirstOrDefault(p => p.Start is not null && p.End is null)
                        ?? toolOrder.Select(id => tools[id]).FirstOrDefault(p => p.Start is not null && p.End is null);
                    if (open is not null)
                    {
                        (open.Others ??= []).Add(e);
                    }
                    else
                    {
                        compacted.Add(e);
                    }
                    break;
            }
        }

        foreach (var id in textOrder)
        {
            FlushText(id, texts[id], compacted);
        }
        foreach (var id in toolOrder)
        {
            FlushTool(id, tools[id], compacted);
        }
        FlushState(stateEvents, compacted, runningState);
        return compacted;
    }

    private static void FlushText(string id, PendingStream p, List<AgUiEvent> output)
    {
        if (p.Start is not null)
        {
            output.Add(p.Start);
        }
        if (p.TakeJoinedDeltas() is { } delta)
        {
            output.Add(new TextMessageContentEvent { MessageId = id, Delta = delta });
        }
        if (p.End is not null)
        {
            output.Add(p.End);
        }
        if (p.Others is not null)
        {
            output.AddRange(p.Others);
        }
    }

    private static void FlushTool(string id, PendingStream p, List<AgUiEvent> output)
    {
        if (p.Start is not null)
        {
            output.Add(p.Start);
        }
        if (p.TakeJoinedDeltas() is { } delta)
        {
            output.Add(new ToolCallArgsEvent { ToolCallId = id, Delta = delta });
        }
        if (p.End is not null)
        {
            output.Add(p.End);
        }
        if (p.Others is not null)
        {
            output.AddRange(p.Others);
        }
    }

    private static JsonNode? FlushState(List<AgUiEvent> stateEvents, List<AgUiEvent> output, JsonNode? initial)
    {
        if (stateEvents.Count == 0)
        {
            return initial;
        }
        var state = initial?.DeepClone();
        foreach (var e in stateEvents)
        {
            if (e is StateSnapshotEvent snapshot)
            {
                state = JsonNode.Parse(snapshot.Snapshot.GetRawText());
            }
            else if (e is StateDeltaEvent delta)
            {
                try
                {
                    state = JsonPatch.Apply(state, delta.Delta);
                }
                catch (JsonPatchException)
                {
                    // A delta that does not apply is dropped, as a client applying it would fail on it too.
                }
            }
        }
        output.Add(new StateSnapshotEvent { Snapshot = state is null ? AgUiJson.Parse("null") : JsonSerializer.SerializeToElement(state, AgUiJson.Context.JsonNode) });
        return state;
    }
}
