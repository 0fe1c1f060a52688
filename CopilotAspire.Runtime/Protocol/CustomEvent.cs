using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>CUSTOM</c>: an application-defined event the client passes to its subscribers by name (wire spec §4.2). The
/// scripted agent uses <c>scripted.headers</c> to echo the forwarded headers.
/// </summary>
public sealed record CustomEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.Custom;
    /// <summary>The event's name, chosen by the agent and the application.</summary>
    public required string Name { get; init; }
    /// <summary>Any JSON value.</summary>
    public required JsonElement Value { get; init; }
}
