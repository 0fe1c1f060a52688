using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary><c>RAW</c>: an event of an underlying system passed through as it is (wire spec §4.2).</summary>
public sealed record RawEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.Raw;
    /// <summary>The original event, any JSON value.</summary>
    public required JsonElement Event { get; init; }
    /// <summary>Where it came from, e.g. a provider name; omitted when <see langword="null"/>.</summary>
    public string? Source { get; init; }
}
