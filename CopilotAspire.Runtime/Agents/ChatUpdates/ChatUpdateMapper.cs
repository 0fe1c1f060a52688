using CopilotAspire.Runtime.Agents.BuiltIn;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Extensions.AI;
using StreamingChatCompletionUpdate = OpenAI.Chat.StreamingChatCompletionUpdate;
using StreamingChatToolCallUpdate = OpenAI.Chat.StreamingChatToolCallUpdate;

namespace CopilotAspire.Runtime.Agents;

/// <summary>
/// The one mapping of a Microsoft.Extensions.AI response stream to AG-UI events (wire spec §10.4, §18), shared by
/// <see cref="BuiltInAgent"/> and the Microsoft Agent Framework adapter: text deltas, reasoning, tool calls (streamed
/// argument deltas where the provider sends them), tool results (those the agent ran itself, and the server tools a
/// caller runs through <see cref="AddToolResult"/>), usage and the finish reason. The caller's hooks (interrupts, state
/// tools) use <see cref="ToolCallId"/> and queue their own events in <see cref="Pending"/>; the caller yields and clears them.
/// </summary>
public sealed class ChatUpdateMapper
{
    // The AI SDK mints a message id at stream start and replaces it at each text-start; tool calls point at it.
    private string _messageId = NewId();
    private bool _textOpen;
    private string? _reasoningId;

    // Per step (providers may reuse ids such as call_0 in every response): the provider ids of tool calls whose START
    // was streamed from deltas (OpenAI-compatible providers), by stream index; the calls announced, by provider id;
    // and the AG-UI id of each provider id.
    private readonly Dictionary<int, string> _streamedCallIds = [];
    private readonly Dictionary<string, StreamedCall> _streamedCalls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _toolCallIds = new(StringComparer.Ordinal);

    // Per run: the AG-UI tool call ids used so far (unique within the run: the client keys tool calls by id), and
    // those started but not ended.
    private readonly HashSet<string> _usedToolCallIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _openToolCalls = new(StringComparer.Ordinal);

    /// <summary>Events mapped but not yet yielded.</summary>
    public List<AgUiEvent> Pending { get; } = new(4);

    /// <summary>The usage of every update so far, summed.</summary>
    public UsageDetails? Usage { get; private set; }

    /// <summary>The last finish reason the stream reported.</summary>
    public ChatFinishReason? FinishReason { get; private set; }

    /// <summary>A tool call was started (TOOL_CALL_START) and not ended.</summary>
    public bool HasOpenToolCalls => _openToolCalls.Count > 0;

    /// <summary>A new model response starts: text opens a new message and provider call ids may repeat.</summary>
    public void BeginStep()
    {
        _textOpen = false;
        _streamedCallIds.Clear();
        _streamedCalls.Clear();
        _toolCallIds.Clear();
    }

    /// <summary>Maps one streamed update to AG-UI events (into <see cref="Pending"/>) and collects its tool calls.</summary>
    public void Map(ChatResponseUpdate update, List<FunctionCallContent> calls)
    {
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } text:
                    CloseReasoning();
                    if (!_textOpen)
                    {
                        _messageId = NewId();
                        _textOpen = true;
                    }
                    Pending.Add(new TextMessageChunkEvent { MessageId = _messageId, Role = "assistant", Delta = text.Text });
                    break;
                case TextReasoningContent { Text.Length: > 0 } reasoning:
                    if (_reasoningId is null)
                    {
                        _reasoningId = NewId();
                        _textOpen = false;
                        Pending.Add(new ReasoningStartEvent { MessageId = _reasoningId });
                        Pending.Add(new ReasoningMessageStartEvent { MessageId = _reasoningId });
                    }
                    Pending.Add(new ReasoningMessageContentEvent { MessageId = _reasoningId, Delta = reasoning.Text });
                    break;
                case FunctionCallContent call when !calls.Exists(c => c.CallId == call.CallId):
                    calls.Add(call);
                    EmitToolCall(call);
                    break;
                case FunctionResultContent result:
                    // A tool the agent ran itself (a FunctionInvokingChatClient inside it): its result, as BuiltInAgent
                    // reports the server tools it runs.
                    AddToolResult(result.CallId, result.Result);
                    break;
                case UsageContent usage:
                    (Usage ??= new UsageDetails()).Add(usage.Details);
                    break;
            }
        }

        // OpenAI-compatible providers stream argument deltas; the adapter only yields the complete call at the end.
        if (update.RawRepresentation is StreamingChatCompletionUpdate { ToolCallUpdates.Count: > 0 } raw)
        {
            foreach (var delta in raw.ToolCallUpdates)
            {
                StreamToolCallDelta(delta);
            }
        }
        if (update.FinishReason is { } finish)
        {
            FinishReason = finish;
        }
    }

    /// <summary>The update carries model output (text, reasoning, a tool call or its argument deltas), not only results or metadata.</summary>
    public static bool IsModelOutput(ChatResponseUpdate update) =>
        update.Contents.Any(c => c is TextContent { Text.Length: > 0 } or TextReasoningContent { Text.Length: > 0 } or FunctionCallContent)
        || update.RawRepresentation is StreamingChatCompletionUpdate { ToolCallUpdates.Count: > 0 };

    private void StreamToolCallDelta(StreamingChatToolCallUpdate delta)
    {
        if (!_streamedCallIds.TryGetValue(delta.Index, out var callId))
        {
            if (string.IsNullOrEmpty(delta.ToolCallId) || string.IsNullOrEmpty(delta.FunctionName)
                || _streamedCalls.ContainsKey(delta.ToolCallId))
            {
                return;
            }
            callId = delta.ToolCallId;
            _streamedCallIds[delta.Index] = callId;
            _streamedCalls[callId] = new StreamedCall();
            StartToolCall(callId, delta.FunctionName);
        }
        var args = delta.FunctionArgumentsUpdate?.ToString();
        if (!string.IsNullOrEmpty(args) && _streamedCalls.TryGetValue(callId, out var streamed) && !streamed.Ended)
        {
            streamed.ArgsSent = true;
            Pending.Add(new ToolCallArgsEvent { ToolCallId = ToolCallId(callId), Delta = args });
        }
    }

    /// <summary>The AI SDK's <c>tool-call</c> part: START if not streamed yet, the whole input if no deltas were sent, END.</summary>
    private void EmitToolCall(FunctionCallContent call)
    {
        if (!_streamedCalls.TryGetValue(call.CallId, out var streamed))
        {
            streamed = new StreamedCall();
            _streamedCalls[call.CallId] = streamed;
            StartToolCall(call.CallId, call.Name);
        }
        if (streamed.Ended)
        {
            return;
        }
        var id = ToolCallId(call.CallId);
        if (!streamed.ArgsSent)
        {
            Pending.Add(new ToolCallArgsEvent { ToolCallId = id, Delta = AgentTools.Stringify(call.Arguments ?? new Dictionary<string, object?>()) });
        }
        streamed.Ended = true;
        _openToolCalls.Remove(id);
        Pending.Add(new ToolCallEndEvent { ToolCallId = id });
    }

    /// <summary>A tool run on the server (by the agent or by the model's client): its <c>TOOL_CALL_RESULT</c>.</summary>
    public void AddToolResult(string providerCallId, object? output)
    {
        CloseReasoning();
        _textOpen = false;
        Pending.Add(new ToolCallResultEvent
        {
            ToolCallId = ToolCallId(providerCallId),
            MessageId = NewId(),
            Role = MessageRoles.Tool,
            Content = AgentTools.Stringify(output),
        });
    }

    private void StartToolCall(string callId, string name)
    {
        CloseReasoning();
        _textOpen = false;
        var id = ToolCallId(callId);
        _openToolCalls.Add(id);
        Pending.Add(new ToolCallStartEvent { ToolCallId = id, ToolCallName = name, ParentMessageId = _messageId });
    }

    /// <summary>
    /// The AG-UI id of this step's provider call id: the provider's id, or — when an earlier step of the run already
    /// used it (servers that number calls per response) — the id suffixed <c>-2</c>, <c>-3</c>…. The model's own
    /// history within the run keeps the provider's ids; later runs send the AG-UI ids, which pair calls and results alike.
    /// </summary>
    public string ToolCallId(string providerId)
    {
        if (_toolCallIds.TryGetValue(providerId, out var id))
        {
            return id;
        }
        id = providerId;
        for (var n = 2; !_usedToolCallIds.Add(id); n++)
        {
            id = $"{providerId}-{n}";
        }
        _toolCallIds[providerId] = id;
        return id;
    }

    /// <summary>
    /// Queues <c>REASONING_MESSAGE_END</c> and <c>REASONING_END</c> for the open reasoning message, if one is open
    /// (before text, a tool call or the end of the step).
    /// </summary>
    public void CloseReasoning()
    {
        if (_reasoningId is { } id)
        {
            Pending.Add(new ReasoningMessageEndEvent { MessageId = id });
            Pending.Add(new ReasoningEndEvent { MessageId = id });
            _reasoningId = null;
        }
    }

    /// <summary><see cref="Usage"/> as the <c>RUN_FINISHED</c> usage entry, or <see langword="null"/> when none was reported.</summary>
    public TokenUsage? ToTokenUsage(string? provider, string? model) => Usage is not { } usage ? null : new()
    {
        Provider = provider,
        Model = model,
        InputTokens = usage.InputTokenCount,
        OutputTokens = usage.OutputTokenCount,
        TotalTokens = usage.TotalTokenCount ?? (usage.InputTokenCount + usage.OutputTokenCount),
        ReasoningTokens = usage.ReasoningTokenCount,
        CachedInputTokens = usage.CachedInputTokenCount,
    };

    /// <summary>The AI SDK's finish reason names.</summary>
    public static string FinishReasonName(ChatFinishReason? reason)
    {
        if (reason is not { } r)
        {
            return "unknown";
        }
        if (r == ChatFinishReason.Stop)
        {
            return "stop";
        }
        if (r == ChatFinishReason.Length)
        {
            return "length";
        }
        if (r == ChatFinishReason.ToolCalls)
        {
            return "tool-calls";
        }
        return r == ChatFinishReason.ContentFilter ? "content-filter" : "other";
    }

    /// <summary>A new message id: a random GUID, as the official runtime's <c>randomUUID()</c>.</summary>
    public static string NewId() => Guid.NewGuid().ToString();

    private sealed class StreamedCall
    {
        public bool ArgsSent { get; set; }
        public bool Ended { get; set; }
    }
}
