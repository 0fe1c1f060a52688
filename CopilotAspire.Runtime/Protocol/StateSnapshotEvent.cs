using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

public sealed record StateSnapshotEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.StateSnapshot;
    public required JsonElement Snapshot { get; init; }
}
