using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record MessagesSnapshotEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.MessagesSnapshot;
    public required IReadOnlyList<Message> Messages { get; init; }
}
