using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>REASONING_END</c>: the reasoning span opened by <see cref="ReasoningStartEvent"/> ended (wire spec §4.2).
/// </summary>
public sealed record ReasoningEndEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ReasoningEnd;
    /// <summary>The span that ends.</summary>
    public required string MessageId { get; init; }
}
