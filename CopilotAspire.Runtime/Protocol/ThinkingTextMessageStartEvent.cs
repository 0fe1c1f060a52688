using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>THINKING_TEXT_MESSAGE_START</c>: the deprecated form of <see cref="ReasoningMessageStartEvent"/> (wire spec
/// §4.2).
/// </summary>
public sealed record ThinkingTextMessageStartEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ThinkingTextMessageStart;
}
