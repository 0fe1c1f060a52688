using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

public sealed record RawEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.Raw;
    public required JsonElement Event { get; init; }
    public string? Source { get; init; }
}
