using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>THINKING_TEXT_MESSAGE_END</c>: the deprecated form of <see cref="ReasoningMessageEndEvent"/> (wire spec §4.2).
/// </summary>
public sealed record ThinkingTextMessageEndEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ThinkingTextMessageEnd;
}
