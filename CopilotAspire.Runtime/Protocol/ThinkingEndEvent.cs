using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary><c>THINKING_END</c>: the deprecated form of <see cref="ReasoningEndEvent"/> (wire spec §4.2).</summary>
public sealed record ThinkingEndEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ThinkingEnd;
}
