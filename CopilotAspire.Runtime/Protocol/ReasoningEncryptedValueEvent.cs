using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>REASONING_ENCRYPTED_VALUE</c>: a provider's encrypted reasoning, for the client to send back on the next run so
/// the model can continue it (wire spec §4.2). Opaque to the runtime.
/// </summary>
public sealed record ReasoningEncryptedValueEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ReasoningEncryptedValue;
    /// <summary>What it belongs to: <c>tool-call</c> or <c>message</c>.</summary>
    public required string Subtype { get; init; }
    /// <summary>The id of the tool call or message it belongs to.</summary>
    public required string EntityId { get; init; }
    /// <summary>The provider's encrypted payload, passed on unchanged.</summary>
    public required string EncryptedValue { get; init; }
}
