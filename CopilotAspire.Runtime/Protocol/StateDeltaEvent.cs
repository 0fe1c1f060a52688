using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>STATE_DELTA</c>: a change to the shared state as an RFC 6902 JSON Patch (wire spec §4.2). The runtime checks the
/// patch's shape and ends the run with <c>RUN_ERROR</c> on a bad one (§22); it applies the patches when it compacts a
/// stored run (§4.5).
/// </summary>
public sealed record StateDeltaEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.StateDelta;
    /// <summary>An RFC 6902 JSON Patch (an array of operations).</summary>
    public required JsonElement Delta { get; init; }
}
