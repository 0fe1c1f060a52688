using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record ToolCallChunkEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ToolCallChunk;
    public string? ToolCallId { get; init; }
    public string? ToolCallName { get; init; }
    public string? ParentMessageId { get; init; }
    public string? Delta { get; init; }
}
