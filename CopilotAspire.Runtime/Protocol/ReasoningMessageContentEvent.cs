using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>REASONING_MESSAGE_CONTENT</c>: the next piece of an open reasoning message's text (wire spec §4.2).
/// </summary>
public sealed record ReasoningMessageContentEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ReasoningMessageContent;
    /// <summary>The open reasoning message.</summary>
    public required string MessageId { get; init; }
    /// <summary>The text to append.</summary>
    public required string Delta { get; init; }
}
