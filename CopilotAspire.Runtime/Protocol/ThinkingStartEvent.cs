using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>THINKING_START</c>: the deprecated form of <see cref="ReasoningStartEvent"/> (wire spec §4.2). Passed through as
/// it is; AG-UI 1.0 clients translate it with a warning.
/// </summary>
public sealed record ThinkingStartEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ThinkingStart;
    /// <summary>An optional title of the thinking span.</summary>
    public string? Title { get; init; }
}
