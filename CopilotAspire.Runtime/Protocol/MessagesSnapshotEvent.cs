using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>MESSAGES_SNAPSHOT</c>: the whole conversation, replacing the client's messages (wire spec §4.2).
/// </summary>
public sealed record MessagesSnapshotEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.MessagesSnapshot;
    /// <summary>Every message of the thread, in order.</summary>
    public required IReadOnlyList<Message> Messages { get; init; }
}
