using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>ACTIVITY_DELTA</c>: a change to an activity message as an RFC 6902 JSON Patch (wire spec §4.2). The patch's shape
/// is checked as for <see cref="StateDeltaEvent"/> (§22).
/// </summary>
public sealed record ActivityDeltaEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ActivityDelta;
    /// <summary>The activity message to change.</summary>
    public required string MessageId { get; init; }
    /// <summary>The activity's kind, as in its snapshot.</summary>
    public required string ActivityType { get; init; }
    /// <summary>An RFC 6902 JSON Patch (an array of operations) applied to the activity's content.</summary>
    public required JsonElement Patch { get; init; }
}
