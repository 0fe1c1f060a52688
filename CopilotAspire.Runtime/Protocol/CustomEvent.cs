using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

public sealed record CustomEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.Custom;
    public required string Name { get; init; }
    public required JsonElement Value { get; init; }
}
