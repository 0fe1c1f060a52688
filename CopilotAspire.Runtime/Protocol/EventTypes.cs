namespace CopilotAspire.Runtime.Protocol;

/// <summary>The <c>type</c> names of every AG-UI event.</summary>
public static class EventTypes
{
    public const string RunStarted = "RUN_STARTED";
    public const string RunFinished = "RUN_FINISHED";
    public const string RunError = "RUN_ERROR";
    public const string StepStarted = "STEP_STARTED";
    public const string StepFinished = "STEP_FINISHED";
    public const string TextMessageStart = "TEXT_MESSAGE_START";
    public const string TextMessageContent = "TEXT_MESSAGE_CONTENT";
    public const string TextMessageEnd = "TEXT_MESSAGE_END";
    public const string TextMessageChunk = "TEXT_MESSAGE_CHUNK";
    public const string ToolCallStart = "TOOL_CALL_START";
    public const string ToolCallArgs = "TOOL_CALL_ARGS";
    public const string ToolCallEnd = "TOOL_CALL_END";
    public const string ToolCallChunk = "TOOL_CALL_CHUNK";
    public const string ToolCallResult = "TOOL_CALL_RESULT";
    public const string StateSnapshot = "STATE_SNAPSHOT";
    public const string StateDelta = "STATE_DELTA";
    public const string MessagesSnapshot = "MESSAGES_SNAPSHOT";
    public const string ActivitySnapshot = "ACTIVITY_SNAPSHOT";
    public const string ActivityDelta = "ACTIVITY_DELTA";
    public const string Raw = "RAW";
    public const string Custom = "CUSTOM";
    public const string ReasoningStart = "REASONING_START";
    public const string ReasoningEnd = "REASONING_END";
    public const string ReasoningMessageStart = "REASONING_MESSAGE_START";
    public const string ReasoningMessageContent = "REASONING_MESSAGE_CONTENT";
    public const string ReasoningMessageEnd = "REASONING_MESSAGE_END";
    public const string ReasoningMessageChunk = "REASONING_MESSAGE_CHUNK";
    public const string ReasoningEncryptedValue = "REASONING_ENCRYPTED_VALUE";
    public const string ThinkingStart = "THINKING_START";
    public const string ThinkingEnd = "THINKING_END";
    public const string ThinkingTextMessageStart = "THINKING_TEXT_MESSAGE_START";
    public const string ThinkingTextMessageContent = "THINKING_TEXT_MESSAGE_CONTENT";
    public const string ThinkingTextMessageEnd = "THINKING_TEXT_MESSAGE_END";
    public const string SubagentStarted = "SUBAGENT_STARTED";
    public const string SubagentFinished = "SUBAGENT_FINISHED";
    public const string SubagentError = "SUBAGENT_ERROR";
}
