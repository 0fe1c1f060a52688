using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Pipeline;

/// <summary>
/// AG-UI's ordering rules (<c>verifyEvents</c>): a run starts with <c>RUN_STARTED</c>, messages, tool calls and
/// steps open before they continue and close before <c>RUN_FINISHED</c>, nothing follows <c>RUN_ERROR</c>.
/// Messages are the official ones, word for word. Ours too (AG-UI 1.0's schema): <c>STATE_DELTA</c> and
/// <c>ACTIVITY_DELTA</c> patches must be RFC 6902 operations, so a bad one ends the run with a clear <c>RUN_ERROR</c>
/// instead of a stream the client rejects.
/// </summary>
public sealed class EventVerifier
{
    private readonly HashSet<string> _messages = new(StringComparer.Ordinal);
    private readonly HashSet<string> _toolCalls = new(StringComparer.Ordinal);
    private readonly List<string> _steps = [];
    private bool _first = true;
    private bool _runStarted;
    private bool _runFinished;
    private bool _runError;

    /// <exception cref="ProtocolViolationException">The event breaks a rule.</exception>
    public void Verify(AgUiEvent e)
    {
        var type = e.Type;
        if (_runError && e is not RunStartedEvent)
        {
            throw new ProtocolViolationException($"Cannot send event type '{type}': The run has already errored with 'RUN_ERROR'. No further events can be sent.");
        }
        if (_runFinished && e is not (RunErrorEvent or RunStartedEvent))
        {
            throw new ProtocolViolationException($"Cannot send event type '{type}': The run has already finished with 'RUN_FINISHED'. Start a new run with 'RUN_STARTED'.");
        }
        if (_first)
        {
            _first = false;
            if (e is not (RunStartedEvent or RunErrorEvent))
            {
                throw new ProtocolViolationException("First event must be 'RUN_STARTED'");
            }
        }
        else if (e is RunStartedEvent)
        {
            if (_runStarted && !_runFinished && !_runError)
            {
                throw new ProtocolViolationException("Cannot send 'RUN_STARTED' while a run is still active. The previous run must be finished with 'RUN_FINISHED' before starting a new run.");
            }
            if (_runFinished || _runError)
            {
                _messages.Clear();
                _toolCalls.Clear();
                _steps.Clear();
                _runFinished = false;
                _runError = false;
            }
        }

        switch (e)
        {
            case TextMessageStartEvent s when !_messages.Add(s.MessageId):
                throw new ProtocolViolationException($"Cannot send 'TEXT_MESSAGE_START' event: A text message with ID '{s.MessageId}' is already in progress. Complete it with 'TEXT_MESSAGE_END' first.");
            case TextMessageContentEvent c when !_messages.Contains(c.MessageId):
                throw new ProtocolViolationException($"Cannot send 'TEXT_MESSAGE_CONTENT' event: No active text message found with ID '{c.MessageId}'. Start a text message with 'TEXT_MESSAGE_START' first.");
            case TextMessageEndEvent end when !_messages.Remove(end.MessageId):
                throw new ProtocolViolationException($"Cannot send 'TEXT_MESSAGE_END' event: No active text message found with ID '{end.MessageId}'. A 'TEXT_MESSAGE_START' event must be sent first.");
            case ToolCallStartEvent s when !_toolCalls.Add(s.ToolCallId):
                throw new ProtocolViolationException($"Cannot send 'TOOL_CALL_START' event: A tool call with ID '{s.ToolCallId}' is already in progress. Complete it with 'TOOL_CALL_END' first.");
            case ToolCallArgsEvent a when !_toolCalls.Contains(a.ToolCallId):
                throw new ProtocolViolationException($"Cannot send 'TOOL_CALL_ARGS' event: No active tool call found with ID '{a.ToolCallId}'. Start a tool call with 'TOOL_CALL_START' first.");
            case ToolCallEndEvent end when !_toolCalls.Remove(end.ToolCallId):
                throw new ProtocolViolationException($"Cannot send 'TOOL_CALL_END' event: No active tool call found with ID '{end.ToolCallId}'. A 'TOOL_CALL_START' event must be sent first.");
            case StateDeltaEvent delta when JsonPatch.Validate(delta.Delta) is { } bad:
                throw new ProtocolViolationException($"Cannot send 'STATE_DELTA' event: its delta is not an RFC 6902 JSON Patch: {bad}.");
            case ActivityDeltaEvent delta when JsonPatch.Validate(delta.Patch) is { } bad:
                throw new ProtocolViolationException($"Cannot send 'ACTIVITY_DELTA' event: its patch is not an RFC 6902 JSON Patch: {bad}.");
            case StepStartedEvent step:
                if (_steps.Contains(step.StepName))
                {
                    throw new ProtocolViolationException($"Step \"{step.StepName}\" is already active for 'STEP_STARTED'");
                }
                _steps.Add(step.StepName);
                break;
            case StepFinishedEvent step:
                if (!_steps.Remove(step.StepName))
                {
                    throw new ProtocolViolationException($"Cannot send 'STEP_FINISHED' for step \"{step.StepName}\" that was not started");
                }
                break;
            case RunStartedEvent:
                _runStarted = true;
                break;
            case RunFinishedEvent:
                if (_steps.Count > 0)
                {
                    throw new ProtocolViolationException($"Cannot send 'RUN_FINISHED' while steps are still active: {string.Join(", ", _steps)}");
                }
                if (_messages.Count > 0)
                {
                    throw new ProtocolViolationException($"Cannot send 'RUN_FINISHED' while text messages are still active: {string.Join(", ", _messages)}");
                }
                if (_toolCalls.Count > 0)
                {
                    throw new ProtocolViolationException($"Cannot send 'RUN_FINISHED' while tool calls are still active: {string.Join(", ", _toolCalls)}");
                }
                _runFinished = true;
                break;
            case RunErrorEvent:
                _runError = true;
                break;
        }
    }
}
