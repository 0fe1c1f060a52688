using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>TEXT_MESSAGE_CHUNK</c>: a text message given as chunks instead of start/content/end (wire spec §4.4). The runtime
/// expands chunks into those three events before anything is sent or stored, so clients never receive this event.
/// </summary>
public sealed record TextMessageChunkEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.TextMessageChunk;
    /// <summary>
    /// The message's id: required on the chunk that opens a message, may be left out on the ones that continue it.
    /// </summary>
    public string? MessageId { get; init; }
    /// <summary>The speaker when the chunk opens a message (default <c>assistant</c>).</summary>
    public string? Role { get; init; }
    /// <summary>Text to append; a chunk without one only opens the message.</summary>
    public string? Delta { get; init; }
    /// <summary>An optional name of the speaker when the chunk opens a message.</summary>
    public string? Name { get; init; }
}
