using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>A tool's result. Field order is the one the official runtime's finalizer writes.</summary>
public sealed record ToolCallResultEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.ToolCallResult;
    /// <summary>The call this is the result of.</summary>
    public required string ToolCallId { get; init; }
    /// <summary>
    /// The id of the tool message the result becomes in the conversation; the runtime's finalizer uses
    /// <c>{toolCallId}-result</c>.
    /// </summary>
    public required string MessageId { get; init; }
    /// <summary><c>tool</c> or omitted (the client reads both as a tool message).</summary>
    public string? Role { get; init; }
    /// <summary>
    /// The result as a string (often JSON). A call left without result when a run ends gets
    /// <c>{"status":"stopped"|"error",…}</c> from the finalizer (§4.6).
    /// </summary>
    public required string Content { get; init; }
}
