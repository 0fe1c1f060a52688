using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>THINKING_TEXT_MESSAGE_CONTENT</c>: the deprecated form of <see cref="ReasoningMessageContentEvent"/> (wire spec
/// §4.2).
/// </summary>
public sealed record ThinkingTextMessageContentEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ThinkingTextMessageContent;
    /// <summary>The thinking text to append.</summary>
    public required string Delta { get; init; }
}
