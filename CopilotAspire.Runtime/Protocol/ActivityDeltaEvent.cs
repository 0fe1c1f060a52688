using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

public sealed record ActivityDeltaEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ActivityDelta;
    public required string MessageId { get; init; }
    public required string ActivityType { get; init; }
    public required JsonElement Patch { get; init; }
}
