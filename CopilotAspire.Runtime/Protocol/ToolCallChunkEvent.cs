using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>TOOL_CALL_CHUNK</c>: a tool call given as chunks (wire spec §4.4). Expanded into start/args/end before anything
/// is sent or stored; clients never receive it.
/// </summary>
public sealed record ToolCallChunkEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ToolCallChunk;
    /// <summary>The call's id; required, with <see cref="ToolCallName"/>, on the chunk that opens a call.</summary>
    public string? ToolCallId { get; init; }
    /// <summary>The tool's name on the chunk that opens a call.</summary>
    public string? ToolCallName { get; init; }
    /// <summary>The assistant message the call belongs to, when the chunk opens it.</summary>
    public string? ParentMessageId { get; init; }
    /// <summary>Arguments text to append.</summary>
    public string? Delta { get; init; }
}
