using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// One AG-UI event as it travels on the wire: <c>{"type":"…", …}</c>. Every concrete event of the protocol is a
/// sealed record below; fields that are absent are <see langword="null"/> and are omitted when serialized.
/// Fields this library does not model survive a round trip through <see cref="AdditionalProperties"/>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(RunStartedEvent), EventTypes.RunStarted)]
[JsonDerivedType(typeof(RunFinishedEvent), EventTypes.RunFinished)]
[JsonDerivedType(typeof(RunErrorEvent), EventTypes.RunError)]
[JsonDerivedType(typeof(StepStartedEvent), EventTypes.StepStarted)]
[JsonDerivedType(typeof(StepFinishedEvent), EventTypes.StepFinished)]
[JsonDerivedType(typeof(TextMessageStartEvent), EventTypes.TextMessageStart)]
[JsonDerivedType(typeof(TextMessageContentEvent), EventTypes.TextMessageContent)]
[JsonDerivedType(typeof(TextMessageEndEvent), EventTypes.TextMessageEnd)]
[JsonDerivedType(typeof(TextMessageChunkEvent), EventTypes.TextMessageChunk)]
[JsonDerivedType(typeof(ToolCallStartEvent), EventTypes.ToolCallStart)]
[JsonDerivedType(typeof(ToolCallArgsEvent), EventTypes.ToolCallArgs)]
[JsonDerivedType(typeof(ToolCallEndEvent), EventTypes.ToolCallEnd)]
[JsonDerivedType(typeof(ToolCallChunkEvent), EventTypes.ToolCallChunk)]
[JsonDerivedType(typeof(ToolCallResultEvent), EventTypes.ToolCallResult)]
[JsonDerivedType(typeof(StateSnapshotEvent), EventTypes.StateSnapshot)]
[JsonDerivedType(typeof(StateDeltaEvent), EventTypes.StateDelta)]
[JsonDerivedType(typeof(MessagesSnapshotEvent), EventTypes.MessagesSnapshot)]
[JsonDerivedType(typeof(ActivitySnapshotEvent), EventTypes.ActivitySnapshot)]
[JsonDerivedType(typeof(ActivityDeltaEvent), EventTypes.ActivityDelta)]
[JsonDerivedType(typeof(RawEvent), EventTypes.Raw)]
[JsonDerivedType(typeof(CustomEvent), EventTypes.Custom)]
[JsonDerivedType(typeof(ReasoningStartEvent), EventTypes.ReasoningStart)]
[JsonDerivedType(typeof(ReasoningEndEvent), EventTypes.ReasoningEnd)]
[JsonDerivedType(typeof(ReasoningMessageStartEvent), EventTypes.ReasoningMessageStart)]
[JsonDerivedType(typeof(ReasoningMessageContentEvent), EventTypes.ReasoningMessageContent)]
[JsonDerivedType(typeof(ReasoningMessageEndEvent), EventTypes.ReasoningMessageEnd)]
[JsonDerivedType(typeof(ReasoningMessageChunkEvent), EventTypes.ReasoningMessageChunk)]
[JsonDerivedType(typeof(ReasoningEncryptedValueEvent), EventTypes.ReasoningEncryptedValue)]
[JsonDerivedType(typeof(ThinkingStartEvent), EventTypes.ThinkingStart)]
[JsonDerivedType(typeof(ThinkingEndEvent), EventTypes.ThinkingEnd)]
[JsonDerivedType(typeof(ThinkingTextMessageStartEvent), EventTypes.ThinkingTextMessageStart)]
[JsonDerivedType(typeof(ThinkingTextMessageContentEvent), EventTypes.ThinkingTextMessageContent)]
[JsonDerivedType(typeof(ThinkingTextMessageEndEvent), EventTypes.ThinkingTextMessageEnd)]
[JsonDerivedType(typeof(SubagentStartedEvent), EventTypes.SubagentStarted)]
[JsonDerivedType(typeof(SubagentFinishedEvent), EventTypes.SubagentFinished)]
[JsonDerivedType(typeof(SubagentErrorEvent), EventTypes.SubagentError)]
public abstract record AgUiEvent
{
    /// <summary>The wire name of the event, e.g. <c>RUN_STARTED</c>.</summary>
    [JsonIgnore]
    public abstract string Type { get; }

    // The fields below are rare on the wire; they live in one shared object, allocated only when one is set, so that
    // the most frequent events (a token's TEXT_MESSAGE_CONTENT) stay small. Immutable: a `with` copy that sets one of
    // them gets its own.
    private Extras? _extras;

    /// <summary>
    /// AG-UI 0.0.59: the sub-agent run an event belongs to (see <see cref="SubagentStartedEvent"/>);
    /// <see langword="null"/> (omitted) for the run's own events. An explicit JSON <c>null</c> is refused by the
    /// client.
    /// </summary>
    [JsonPropertyOrder(100)]
    public string? SubagentRunId
    {
        get => _extras?.SubagentRunId;
        init => Set(value, static (e, v) => e with { SubagentRunId = v });
    }

    /// <summary>
    /// When the event was produced, in milliseconds since the Unix epoch, if the agent says; the runtime adds none.
    /// </summary>
    [JsonPropertyOrder(101)]
    public long? Timestamp
    {
        get => _extras?.Timestamp;
        init => Set(value, static (e, v) => e with { Timestamp = v });
    }

    /// <summary>
    /// The <c>rawEvent</c> field: the underlying system's own event this one was made from, passed through as it is.
    /// </summary>
    [JsonPropertyOrder(102)]
    [JsonPropertyName("rawEvent")]
    public JsonElement? RawEventValue
    {
        get => _extras?.RawEventValue;
        init => Set(value, static (e, v) => e with { RawEventValue = v });
    }

    /// <summary>
    /// The <c>metadata</c> field: a JSON object of free-form data (an explicit JSON <c>null</c> is refused by the
    /// client). AG-UI 1.0 runs carry <c>finishReason</c> here (wire spec §22).
    /// </summary>
    [JsonPropertyOrder(103)]
    public JsonElement? Metadata
    {
        get => _extras?.Metadata;
        init => Set(value, static (e, v) => e with { Metadata = v });
    }

    /// <summary>Fields not modelled here (the protocol lets events carry extra fields through).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties
    {
        get => _extras?.AdditionalProperties;
        set => Set(value, static (e, v) => e with { AdditionalProperties = v });
    }

    /// <summary>Whether one of the rare fields above is set (an event without them can be written by hand).</summary>
    internal bool HasExtras => _extras is not null;

    private void Set<T>(T value, Func<Extras, T, Extras> change)
    {
        if (value is not null || _extras is not null)
        {
            _extras = change(_extras ?? Extras.None, value);
        }
    }

    private sealed record Extras(string? SubagentRunId, long? Timestamp, JsonElement? RawEventValue, JsonElement? Metadata, Dictionary<string, JsonElement>? AdditionalProperties)
    {
        public static Extras None { get; } = new(null, null, null, null, null);
    }
}
