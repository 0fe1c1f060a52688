using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>STATE_SNAPSHOT</c>: the agent's whole shared state (wire spec §4.2). Stored runs keep one snapshot per run in
/// place of all its snapshots and deltas (§4.5).
/// </summary>
public sealed record StateSnapshotEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.StateSnapshot;
    /// <summary>The new state, any JSON value (usually an object); it replaces the client's state.</summary>
    public required JsonElement Snapshot { get; init; }
}
