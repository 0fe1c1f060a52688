using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>ACTIVITY_SNAPSHOT</c>: the content of an activity message, a structured item the client renders itself (progress,
/// a plan, a card) rather than as chat text (wire spec §4.2).
/// </summary>
public sealed record ActivitySnapshotEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ActivitySnapshot;
    /// <summary>The activity message's id.</summary>
    public required string MessageId { get; init; }
    /// <summary>What kind of activity it is, the key the client renders by.</summary>
    public required string ActivityType { get; init; }
    /// <summary>The activity's content, a JSON object.</summary>
    public required JsonElement Content { get; init; }
    /// <summary>
    /// Whether the content replaces an existing message of that id; the client's default is <see langword="true"/>, and
    /// <see langword="null"/> is omitted.
    /// </summary>
    public bool? Replace { get; init; }
}
