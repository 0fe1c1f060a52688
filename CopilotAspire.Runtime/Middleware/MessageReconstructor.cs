using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Middleware;

/// <summary>
/// Rebuilds the messages of an SSE stream for after-request middleware (wire spec §7.3): assistant text from
/// START/CONTENT, tool calls attached to their parent message, tool results; the last <c>MESSAGES_SNAPSHOT</c>
/// wins over all of it. User messages are not reconstructed. Built with <c>keepContent: false</c> it only counts
/// (<see cref="MessageCount"/>, <see cref="ToolCallCount"/>): text and argument deltas are skipped, so a token costs
/// nothing.
/// </summary>
public sealed class MessageReconstructor(bool keepContent = true)
{
    private sealed class Draft(string id, string role)
    {
        public string Id { get; } = id;
        public string Role { get; } = role;
        public System.Text.StringBuilder Content { get; } = new();
        public List<ToolCall> ToolCalls { get; } = [];
        public string? ToolCallId { get; set; }
    }

    private sealed class DraftCall(string id, string name, string? parent)
    {
        public string Id { get; } = id;
        public string Name { get; set; } = name;
        public string? Parent { get; } = parent;
        public System.Text.StringBuilder Args { get; } = new();
        public bool Attached { get; set; }
    }

    private readonly Dictionary<string, Draft> _messages = new(StringComparer.Ordinal);
    private readonly List<Draft> _order = [];
    private readonly Dictionary<string, DraftCall> _calls = new(StringComparer.Ordinal);
    private readonly List<DraftCall> _callOrder = [];
    private IReadOnlyList<Message>? _snapshot;

    /// <summary>
    /// The <c>threadId</c> of the stream's last <c>RUN_STARTED</c>; <see langword="null"/> before one.
    /// </summary>
    public string? ThreadId { get; private set; }

    /// <summary>The <c>runId</c> of the stream's last <c>RUN_STARTED</c>; <see langword="null"/> before one.</summary>
    public string? RunId { get; private set; }

    /// <summary>Takes in the next event of the stream, in order.</summary>
    /// <param name="e">The event.</param>
    public void Observe(AgUiEvent e)
    {
        switch (e)
        {
            case RunStartedEvent s:
                ThreadId = s.ThreadId;
                RunId = s.RunId;
                break;
            case TextMessageStartEvent s:
                Add(new Draft(s.MessageId, s.Role ?? MessageRoles.Assistant));
                break;
            case TextMessageContentEvent c when keepContent && _messages.TryGetValue(c.MessageId, out var m):
                m.Content.Append(c.Delta);
                break;
            case TextMessageChunkEvent { MessageId: { } id } chunk:
                if (!_messages.TryGetValue(id, out var target))
                {
                    target = new Draft(id, chunk.Role ?? MessageRoles.Assistant);
                    Add(target);
                }
                if (keepContent)
                {
                    target.Content.Append(chunk.Delta);
                }
                break;
            case ToolCallStartEvent s:
                AddCall(new DraftCall(s.ToolCallId, s.ToolCallName, s.ParentMessageId));
                break;
            case ToolCallArgsEvent a when keepContent && _calls.TryGetValue(a.ToolCallId, out var call):
                call.Args.Append(a.Delta);
                break;
            case ToolCallChunkEvent { ToolCallId: { } id } chunk:
                if (!_calls.TryGetValue(id, out var chunkCall))
                {
                    chunkCall = new DraftCall(id, chunk.ToolCallName ?? "", chunk.ParentMessageId);
                    AddCall(chunkCall);
                }
                else if (chunk.ToolCallName is not null)
                {
                    chunkCall.Name = chunk.ToolCallName;
                }
                if (keepContent)
                {
                    chunkCall.Args.Append(chunk.Delta);
                }
                break;
            case ToolCallEndEvent end when _calls.TryGetValue(end.ToolCallId, out var ended):
                Attach(ended);
                break;
            case ToolCallResultEvent r:
                var result = new Draft(r.MessageId, MessageRoles.Tool) { ToolCallId = r.ToolCallId };
                if (keepContent)
                {
                    result.Content.Append(r.Content);
                }
                Add(result);
                break;
            case MessagesSnapshotEvent snapshot:
                _snapshot = snapshot.Messages;
                break;
        }
    }

    /// <summary>How many messages <see cref="Messages"/> holds.</summary>
    public int MessageCount => _snapshot?.Count ?? _order.Count;

    /// <summary>How many tool calls the messages of <see cref="Messages"/> carry.</summary>
    public int ToolCallCount()
    {
        if (_snapshot is not null)
        {
            return _snapshot.Sum(m => m.ToolCalls?.Count ?? 0);
        }
        AttachAll();
        return _order.Sum(d => d.ToolCalls.Count);
    }

    /// <summary>
    /// The messages rebuilt so far, in the order they began, each tool call attached to its parent message (a call whose
    /// parent is unknown is left out); the last <c>MESSAGES_SNAPSHOT</c> instead, if one came. Without
    /// <c>keepContent</c> their text and arguments are empty.
    /// </summary>
    public IReadOnlyList<Message> Messages()
    {
        if (_snapshot is not null)
        {
            return _snapshot;
        }
        AttachAll();
        return _order.Select(d => d.Role == MessageRoles.Tool
                ? Message.ToolResult(d.Id, d.ToolCallId ?? "", d.Content.ToString())
                : new Message
                {
                    Id = d.Id,
                    Role = d.Role,
                    Content = AgUiJson.StringValue(d.Content.ToString()),
                    ToolCalls = d.ToolCalls.Count > 0 ? d.ToolCalls.ToList() : null,
                })
            .ToList();
    }

    private void AttachAll()
    {
        foreach (var call in _callOrder)
        {
            Attach(call);
        }
    }

    private void Add(Draft draft)
    {
        if (_messages.TryAdd(draft.Id, draft))
        {
            _order.Add(draft);
        }
    }

    private void AddCall(DraftCall call)
    {
        if (_calls.TryAdd(call.Id, call))
        {
            _callOrder.Add(call);
        }
    }

    private void Attach(DraftCall call)
    {
        if (call.Attached || call.Parent is null || !_messages.TryGetValue(call.Parent, out var parent))
        {
            return;
        }
        call.Attached = true;
        parent.ToolCalls.Add(new ToolCall { Id = call.Id, Function = new FunctionCall { Name = call.Name, Arguments = call.Args.ToString() } });
    }
}
