using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>TOOL_CALL_START</c>: the agent calls a tool (wire spec §4.2). The arguments follow in
/// <see cref="ToolCallArgsEvent"/>s, then <see cref="ToolCallEndEvent"/>; a frontend tool's result comes back in the
/// next run's messages, a server tool's as <see cref="ToolCallResultEvent"/>.
/// </summary>
public sealed record ToolCallStartEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ToolCallStart;
    /// <summary>The call's id; the result refers to it.</summary>
    public required string ToolCallId { get; init; }
    /// <summary>The name of the tool called, one of <see cref="RunAgentInput.Tools"/> or a server-side tool.</summary>
    public required string ToolCallName { get; init; }
    /// <summary>
    /// The assistant message the call belongs to (the built-in agent names the message of that model turn); omitted
    /// when <see langword="null"/>.
    /// </summary>
    public string? ParentMessageId { get; init; }
}
