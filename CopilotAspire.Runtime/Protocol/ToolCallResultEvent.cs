using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>A tool's result. Field order is the one the official runtime's finalizer writes.</summary>
public sealed record ToolCallResultEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ToolCallResult;
    public required string ToolCallId { get; init; }
    public required string MessageId { get; init; }
    public string? Role { get; init; }
    public required string Content { get; init; }
}
