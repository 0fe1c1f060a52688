using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>TOOL_CALL_END</c>: the tool call's arguments are complete (wire spec §4.2). The runtime writes it for a call left
/// open when the run ends (§4.6).
/// </summary>
public sealed record ToolCallEndEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ToolCallEnd;
    /// <summary>The open call that ends.</summary>
    public required string ToolCallId { get; init; }
}
