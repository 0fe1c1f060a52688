using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>TEXT_MESSAGE_END</c>: the text message is complete (wire spec §4.2). The runtime writes it itself for a message
/// the agent left open when the run ends (§4.6).
/// </summary>
public sealed record TextMessageEndEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.TextMessageEnd;
    /// <summary>The open message that ends.</summary>
    public required string MessageId { get; init; }
}
