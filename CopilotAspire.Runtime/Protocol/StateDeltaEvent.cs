using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

public sealed record StateDeltaEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.StateDelta;
    /// <summary>An RFC 6902 JSON Patch (an array of operations).</summary>
    public required JsonElement Delta { get; init; }
}
