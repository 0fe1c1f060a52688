using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record ToolCallStartEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ToolCallStart;
    public required string ToolCallId { get; init; }
    public required string ToolCallName { get; init; }
    public string? ParentMessageId { get; init; }
}
