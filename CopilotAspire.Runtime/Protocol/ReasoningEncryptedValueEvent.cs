using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record ReasoningEncryptedValueEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ReasoningEncryptedValue;
    public required string Subtype { get; init; }
    public required string EntityId { get; init; }
    public required string EncryptedValue { get; init; }
}
