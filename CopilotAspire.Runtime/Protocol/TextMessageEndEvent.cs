using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record TextMessageEndEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.TextMessageEnd;
    public required string MessageId { get; init; }
}
