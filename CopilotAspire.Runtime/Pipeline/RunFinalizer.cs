using System.Text.Json;
using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Pipeline;

/// <summary>
/// Watches a run's events and, when the agent ends without a terminal event, produces the closing events of
/// CopilotKit's <c>finalizeRunEvents</c>: open messages ended, open reasoning messages and spans ended (ours: AG-UI 1.0
/// clients refuse a run that ends with reasoning open), open tool calls ended and given a result, then exactly one
/// terminal. One deliberate difference (docs/compatibility.md): after a stop the terminal <c>RUN_FINISHED</c>
/// carries <c>threadId</c> and <c>runId</c>, so the official client's schema accepts it.
/// </summary>
public sealed class RunFinalizer
{
    /// <summary>The message a stopped run's open tool calls get in their result: <c>Run stopped by user</c>.</summary>
    public const string StopMessage = RunErrorCodes.StoppedMessage;
    /// <summary>
    /// The <c>RUN_ERROR</c> message of an agent that ended without a terminal event (wire spec §4.6).
    /// </summary>
    public const string MissingTerminalMessage = "Run ended without emitting a terminal event";

    private readonly List<string> _openMessages = [];
    private readonly List<string> _openReasoningMessages = [];
    private readonly List<string> _openReasoningSpans = [];
    private readonly List<string> _toolCalls = [];
    private readonly HashSet<string> _endedToolCalls = new(StringComparer.Ordinal);
    private readonly HashSet<string> _toolResults = new(StringComparer.Ordinal);

    /// <summary>A <c>RUN_FINISHED</c> or <c>RUN_ERROR</c> has been seen.</summary>
    public bool HasTerminal { get; private set; }

    /// <summary>At least one event has been seen.</summary>
    public bool HasEvents { get; private set; }

    /// <summary>
    /// A stopped run's <c>RUN_FINISHED</c> carries <c>outcome: {"type":"cancelled"}</c> (the run's client speaks
    /// AG-UI 1.0, wire spec §22).
    /// </summary>
    public bool CancelledOutcome { get; init; }

    /// <summary>A reasoning message or span is open (AG-UI 1.0 clients refuse <c>RUN_FINISHED</c> then).</summary>
    public bool HasOpenReasoning => _openReasoningMessages.Count > 0 || _openReasoningSpans.Count > 0;

    /// <summary>
    /// Notes what <paramref name="e"/> opens, closes or ends; call it for every event the run sends, in order.
    /// </summary>
    /// <param name="e">The event.</param>
    public void Observe(AgUiEvent e)
    {
        HasEvents = true;
        switch (e)
        {
            case TextMessageStartEvent s:
                _openMessages.Add(s.MessageId);
                break;
            case TextMessageEndEvent end:
                _openMessages.Remove(end.MessageId);
                break;
            case ReasoningMessageStartEvent s:
                _openReasoningMessages.Add(s.MessageId);
                break;
            case ReasoningMessageEndEvent end:
                _openReasoningMessages.Remove(end.MessageId);
                break;
            case ReasoningStartEvent s:
                _openReasoningSpans.Add(s.MessageId);
                break;
            case ReasoningEndEvent end:
                _openReasoningSpans.Remove(end.MessageId);
                break;
            case ToolCallStartEvent s when !_toolCalls.Contains(s.ToolCallId):
                _toolCalls.Add(s.ToolCallId);
                break;
            case ToolCallEndEvent end:
                _endedToolCalls.Add(end.ToolCallId);
                break;
            case ToolCallResultEvent r:
                _toolResults.Add(r.ToolCallId);
                break;
            case RunFinishedEvent or RunErrorEvent:
                HasTerminal = true;
                break;
        }
    }

    /// <summary>The events to append so that the run ends validly; empty when it already has a terminal.</summary>
    /// <param name="reason">Why the agent ended without one.</param>
    /// <param name="threadId">The run's thread, written into a stopped run's <c>RUN_FINISHED</c>.</param>
    /// <param name="runId">The run's id, written into a stopped run's <c>RUN_FINISHED</c>.</param>
    public List<AgUiEvent> Finalize(RunEnding reason, string threadId, string runId)
    {
        var closing = new List<AgUiEvent>();
        if (HasTerminal)
        {
            return closing;
        }

        foreach (var messageId in _openMessages)
        {
            closing.Add(new TextMessageEndEvent { MessageId = messageId });
        }
        _openMessages.Clear();
        CloseReasoning(closing);

        var result = reason.Stopped
            ? new ToolResultPayload("stopped", "stop_requested", reason.Message ?? StopMessage)
            : new ToolResultPayload("error", "missing_terminal_event", reason.Message ?? MissingTerminalMessage);
        foreach (var toolCallId in _toolCalls)
        {
            if (_endedToolCalls.Add(toolCallId))
            {
                closing.Add(new ToolCallEndEvent { ToolCallId = toolCallId });
            }
            if (_toolResults.Add(toolCallId))
            {
                closing.Add(new ToolCallResultEvent
                {
                    ToolCallId = toolCallId,
                    MessageId = toolCallId + "-result",
                    Role = "tool",
                    Content = result.ToJson(),
                });
            }
        }

        closing.Add(reason.Stopped
            ? new RunFinishedEvent { ThreadId = threadId, RunId = runId, Outcome = CancelledOutcome ? AgUiProtocol.CancelledOutcome : null }
            : new RunErrorEvent { Message = reason.Message ?? MissingTerminalMessage, Code = reason.Code ?? RunErrorCodes.IncompleteStream });
        HasTerminal = true;
        return closing;
    }

    /// <summary>Adds the ends of the open reasoning messages, then of the open reasoning spans, to <paramref name="closing"/>.</summary>
    public void CloseReasoning(List<AgUiEvent> closing)
    {
        ArgumentNullException.ThrowIfNull(closing);
        foreach (var messageId in _openReasoningMessages)
        {
            closing.Add(new ReasoningMessageEndEvent { MessageId = messageId });
        }
        _openReasoningMessages.Clear();
        for (var i = _openReasoningSpans.Count - 1; i >= 0; i--)
        {
            closing.Add(new ReasoningEndEvent { MessageId = _openReasoningSpans[i] });
        }
        _openReasoningSpans.Clear();
    }

    private readonly record struct ToolResultPayload(string Status, string Reason, string Message)
    {
        public string ToJson()
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = AgUiJson.Options.Encoder }))
            {
                writer.WriteStartObject();
                writer.WriteString("status", Status);
                writer.WriteString("reason", Reason);
                writer.WriteString("message", Message);
                writer.WriteEndObject();
            }
            return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }
    }
}
