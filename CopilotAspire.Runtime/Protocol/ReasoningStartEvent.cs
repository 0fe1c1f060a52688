using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>REASONING_START</c>: the model begins to reason; reasoning messages follow until <see cref="ReasoningEndEvent"/>
/// (wire spec §4.2). The finalizer closes an open span before the terminal event (§22).
/// </summary>
public sealed record ReasoningStartEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ReasoningStart;
    /// <summary>The id of the reasoning span.</summary>
    public required string MessageId { get; init; }
}
