using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>TOOL_CALL_ARGS</c>: the next piece of an open tool call's JSON arguments (wire spec §4.2). Stored runs keep one
/// args event per call, the pieces concatenated (§4.5).
/// </summary>
public sealed record ToolCallArgsEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ToolCallArgs;
    /// <summary>The open call the arguments belong to.</summary>
    public required string ToolCallId { get; init; }
    /// <summary>Text to append to the arguments; only the concatenation is JSON.</summary>
    public required string Delta { get; init; }
}
