using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>TEXT_MESSAGE_CONTENT</c>: the next piece of an open text message's text (wire spec §4.2). Stored runs keep one
/// content event per message, the pieces concatenated (§4.5).
/// </summary>
public sealed record TextMessageContentEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.TextMessageContent;
    /// <summary>The open message the text belongs to.</summary>
    public required string MessageId { get; init; }
    /// <summary>The text to append.</summary>
    public required string Delta { get; init; }
}
