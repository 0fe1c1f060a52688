using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>REASONING_MESSAGE_CHUNK</c>: reasoning text given as chunks (wire spec §4.4); expanded into start/content/end
/// before anything is sent or stored.
/// </summary>
public sealed record ReasoningMessageChunkEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ReasoningMessageChunk;
    /// <summary>The reasoning message's id; required on the chunk that opens one.</summary>
    public string? MessageId { get; init; }
    /// <summary>Text to append.</summary>
    public string? Delta { get; init; }
}
