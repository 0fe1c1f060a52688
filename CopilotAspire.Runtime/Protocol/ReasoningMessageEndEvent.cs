using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>REASONING_MESSAGE_END</c>: the reasoning message is complete (wire spec §4.2). The finalizer writes it for one
/// left open when the run ends (§4.6).
/// </summary>
public sealed record ReasoningMessageEndEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ReasoningMessageEnd;
    /// <summary>The reasoning message that ends.</summary>
    public required string MessageId { get; init; }
}
