using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Pipeline;

/// <summary>
/// Expands <c>*_CHUNK</c> events into explicit START / CONTENT (ARGS) / END events, one pending stream per lane
/// (the parent run, or a subagent run), as AG-UI's <c>transformChunks</c> does. Chunk events never leave it.
/// </summary>
public sealed class ChunkExpander
{
    private enum Kind { Text, Tool, Reasoning }

    private sealed record Pending(Kind Kind, string Id);

    private readonly Dictionary<string, Pending> _lanes = new(StringComparer.Ordinal);

    /// <summary>Appends the expansion of <paramref name="e"/> to <paramref name="output"/>.</summary>
    /// <exception cref="ProtocolViolationException">A chunk that opens a stream lacks its id (or name).</exception>
    public void Process(AgUiEvent e, List<AgUiEvent> output)
    {
        var lane = e.SubagentRunId ?? "";
        switch (e)
        {
            case TextMessageChunkEvent chunk:
                if (!Continues(lane, Kind.Text, chunk.MessageId, out var textId))
                {
                    Close(lane, output);
                    textId = chunk.MessageId ?? throw new ProtocolViolationException("First TEXT_MESSAGE_CHUNK must have a messageId");
                    output.Add(new TextMessageStartEvent { MessageId = textId, Role = chunk.Role ?? "assistant", Name = chunk.Name, SubagentRunId = chunk.SubagentRunId });
                    _lanes[lane] = new Pending(Kind.Text, textId);
                }
                if (!string.IsNullOrEmpty(chunk.Delta))
                {
                    output.Add(new TextMessageContentEvent { MessageId = textId!, Delta = chunk.Delta, SubagentRunId = chunk.SubagentRunId });
                }
                return;

            case ToolCallChunkEvent chunk:
                if (!Continues(lane, Kind.Tool, chunk.ToolCallId, out var toolId))
                {
                    Close(lane, output);
                    if (chunk.ToolCallId is null || chunk.ToolCallName is null)
                    {
                        throw new ProtocolViolationException("First TOOL_CALL_CHUNK must have a toolCallId and toolCallName");
                    }
                    toolId = chunk.ToolCallId;
                    output.Add(new ToolCallStartEvent { ToolCallId = toolId, ToolCallName = chunk.ToolCallName, ParentMessageId = chunk.ParentMessageId, SubagentRunId = chunk.SubagentRunId });
                    _lanes[lane] = new Pending(Kind.Tool, toolId);
                }
                if (!string.IsNullOrEmpty(chunk.Delta))
                {
                    output.Add(new ToolCallArgsEvent { ToolCallId = toolId!, Delta = chunk.Delta, SubagentRunId = chunk.SubagentRunId });
                }
                return;

            case ReasoningMessageChunkEvent chunk:
                if (!Continues(lane, Kind.Reasoning, chunk.MessageId, out var reasoningId))
                {
                    Close(lane, output);
                    reasoningId = chunk.MessageId ?? throw new ProtocolViolationException("First REASONING_MESSAGE_CHUNK must have a messageId");
                    output.Add(new ReasoningMessageStartEvent { MessageId = reasoningId, SubagentRunId = chunk.SubagentRunId });
                    _lanes[lane] = new Pending(Kind.Reasoning, reasoningId);
                }
                if (!string.IsNullOrEmpty(chunk.Delta))
                {
                    output.Add(new ReasoningMessageContentEvent { MessageId = reasoningId!, Delta = chunk.Delta, SubagentRunId = chunk.SubagentRunId });
                }
                return;

            case RunStartedEvent or RunFinishedEvent or RunErrorEvent or MessagesSnapshotEvent:
                CloseAll(output);
                break;

            case SubagentFinishedEvent or SubagentErrorEvent:
                Close(lane, output);
                break;

            case RawEvent or ActivitySnapshotEvent or ActivityDeltaEvent or ReasoningEncryptedValueEvent or SubagentStartedEvent:
                break;

            default:
                Close(lane, output);
                break;
        }
        output.Add(e);
    }

    /// <summary>Closes every pending chunk stream (used when a stream must end cleanly).</summary>
    public void CloseAll(List<AgUiEvent> output)
    {
        foreach (var lane in _lanes.Keys.ToList())
        {
            Close(lane, output);
        }
    }

    private bool Continues(string lane, Kind kind, string? id, out string? pendingId)
    {
        if (_lanes.TryGetValue(lane, out var pending) && pending.Kind == kind && (id is null || id == pending.Id))
        {
            pendingId = pending.Id;
            return true;
        }
        pendingId = null;
        return false;
    }

    private void Close(string lane, List<AgUiEvent> output)
    {
        if (!_lanes.Remove(lane, out var pending))
        {
            return;
        }
        var subagent = lane.Length == 0 ? null : lane;
        output.Add(pending.Kind switch
        {
            Kind.Text => new TextMessageEndEvent { MessageId = pending.Id, SubagentRunId = subagent },
            Kind.Tool => new ToolCallEndEvent { ToolCallId = pending.Id, SubagentRunId = subagent },
            _ => new ReasoningMessageEndEvent { MessageId = pending.Id, SubagentRunId = subagent },
        });
    }
}
