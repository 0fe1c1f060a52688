using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>REASONING_MESSAGE_START</c>: a message of the model's reasoning begins; its text follows in
/// <see cref="ReasoningMessageContentEvent"/>s (wire spec §4.2).
/// </summary>
public sealed record ReasoningMessageStartEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ReasoningMessageStart;
    /// <summary>The reasoning message's id; the client keeps it as a message of role <c>reasoning</c>.</summary>
    public required string MessageId { get; init; }
    /// <summary>Always <c>reasoning</c>.</summary>
    public string Role { get; init; } = "reasoning";
}
