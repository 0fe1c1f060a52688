using System.Text.Json;
using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

// Property order in each record is the order the fields appear on the wire.

public sealed record RunStartedEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.RunStarted;
    public required string ThreadId { get; init; }
    public required string RunId { get; init; }
    /// <summary>AG-UI 1.0: the protocol version of the run, echoed from <see cref="RunAgentInput.ProtocolVersion"/> (wire spec §22).</summary>
    public string? ProtocolVersion { get; init; }
    public string? ParentRunId { get; init; }
    public RunAgentInput? Input { get; init; }
}

public sealed record RunFinishedEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.RunFinished;
    public string? ThreadId { get; init; }
    public string? RunId { get; init; }
    public JsonElement? Result { get; init; }
    public string? FinishReason { get; init; }
    public IReadOnlyList<TokenUsage>? Usage { get; init; }
    public JsonElement? Outcome { get; init; }
}

public sealed record RunErrorEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.RunError;
    public required string Message { get; init; }
    public string? Code { get; init; }
    public string? ThreadId { get; init; }
    public string? RunId { get; init; }
    public IReadOnlyList<TokenUsage>? Usage { get; init; }
}

public sealed record StepStartedEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.StepStarted;
    public required string StepName { get; init; }
}

public sealed record StepFinishedEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.StepFinished;
    public required string StepName { get; init; }
}

public sealed record TextMessageStartEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.TextMessageStart;
    public required string MessageId { get; init; }
    public string? Role { get; init; } = "assistant";
    public string? Name { get; init; }
}

public sealed record TextMessageContentEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.TextMessageContent;
    public required string MessageId { get; init; }
    public required string Delta { get; init; }
}

public sealed record TextMessageEndEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.TextMessageEnd;
    public required string MessageId { get; init; }
}

public sealed record TextMessageChunkEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.TextMessageChunk;
    public string? MessageId { get; init; }
    public string? Role { get; init; }
    public string? Delta { get; init; }
    public string? Name { get; init; }
}

public sealed record ToolCallStartEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ToolCallStart;
    public required string ToolCallId { get; init; }
    public required string ToolCallName { get; init; }
    public string? ParentMessageId { get; init; }
}

public sealed record ToolCallArgsEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ToolCallArgs;
    public required string ToolCallId { get; init; }
    public required string Delta { get; init; }
}

public sealed record ToolCallEndEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ToolCallEnd;
    public required string ToolCallId { get; init; }
}

public sealed record ToolCallChunkEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ToolCallChunk;
    public string? ToolCallId { get; init; }
    public string? ToolCallName { get; init; }
    public string? ParentMessageId { get; init; }
    public string? Delta { get; init; }
}

/// <summary>A tool's result. Field order is the one the official runtime's finalizer writes.</summary>
public sealed record ToolCallResultEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ToolCallResult;
    public required string ToolCallId { get; init; }
    public required string MessageId { get; init; }
    public string? Role { get; init; }
    public required string Content { get; init; }
}

public sealed record StateSnapshotEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.StateSnapshot;
    public required JsonElement Snapshot { get; init; }
}

public sealed record StateDeltaEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.StateDelta;
    /// <summary>An RFC 6902 JSON Patch (an array of operations).</summary>
    public required JsonElement Delta { get; init; }
}

public sealed record MessagesSnapshotEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.MessagesSnapshot;
    public required IReadOnlyList<Message> Messages { get; init; }
}

public sealed record ActivitySnapshotEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ActivitySnapshot;
    public required string MessageId { get; init; }
    public required string ActivityType { get; init; }
    public required JsonElement Content { get; init; }
    public bool? Replace { get; init; }
}

public sealed record ActivityDeltaEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ActivityDelta;
    public required string MessageId { get; init; }
    public required string ActivityType { get; init; }
    public required JsonElement Patch { get; init; }
}

public sealed record RawEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.Raw;
    public required JsonElement Event { get; init; }
    public string? Source { get; init; }
}

public sealed record CustomEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.Custom;
    public required string Name { get; init; }
    public required JsonElement Value { get; init; }
}

public sealed record ReasoningStartEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ReasoningStart;
    public required string MessageId { get; init; }
}

public sealed record ReasoningEndEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ReasoningEnd;
    public required string MessageId { get; init; }
}

public sealed record ReasoningMessageStartEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ReasoningMessageStart;
    public required string MessageId { get; init; }
    public string Role { get; init; } = "reasoning";
}

public sealed record ReasoningMessageContentEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ReasoningMessageContent;
    public required string MessageId { get; init; }
    public required string Delta { get; init; }
}

public sealed record ReasoningMessageEndEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ReasoningMessageEnd;
    public required string MessageId { get; init; }
}

public sealed record ReasoningMessageChunkEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ReasoningMessageChunk;
    public string? MessageId { get; init; }
    public string? Delta { get; init; }
}

public sealed record ReasoningEncryptedValueEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ReasoningEncryptedValue;
    public required string Subtype { get; init; }
    public required string EntityId { get; init; }
    public required string EncryptedValue { get; init; }
}

public sealed record ThinkingStartEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ThinkingStart;
    public string? Title { get; init; }
}

public sealed record ThinkingEndEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ThinkingEnd;
}

public sealed record ThinkingTextMessageStartEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ThinkingTextMessageStart;
}

public sealed record ThinkingTextMessageContentEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ThinkingTextMessageContent;
    public required string Delta { get; init; }
}

public sealed record ThinkingTextMessageEndEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ThinkingTextMessageEnd;
}

public sealed record SubagentStartedEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.SubagentStarted;
    [JsonPropertyOrder(-1)]
    public required string Name { get; init; }
    public string? Description { get; init; }
    public string? ParentSubagentRunId { get; init; }
    public string? ParentToolCallId { get; init; }
    public string? ParentMessageId { get; init; }
}

public sealed record SubagentFinishedEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.SubagentFinished;
    public JsonElement? Result { get; init; }
    public JsonElement? Outcome { get; init; }
}

public sealed record SubagentErrorEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.SubagentError;
    public required string Message { get; init; }
    public string? Code { get; init; }
}

/// <summary>Token usage reported on <c>RUN_FINISHED</c> / <c>RUN_ERROR</c>.</summary>
public sealed record TokenUsage
{
    public string? Provider { get; init; }
    public string? Model { get; init; }
    public long? InputTokens { get; init; }
    public long? OutputTokens { get; init; }
    public long? TotalTokens { get; init; }
    public long? ReasoningTokens { get; init; }
    public long? CachedInputTokens { get; init; }
    /// <summary>AG-UI 1.0: input tokens written to the provider's cache (a part of <see cref="InputTokens"/>).</summary>
    public long? CacheWriteInputTokens { get; init; }
}
