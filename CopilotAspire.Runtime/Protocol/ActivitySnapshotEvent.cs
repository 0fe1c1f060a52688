using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

public sealed record ActivitySnapshotEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ActivitySnapshot;
    public required string MessageId { get; init; }
    public required string ActivityType { get; init; }
    public required JsonElement Content { get; init; }
    public bool? Replace { get; init; }
}
