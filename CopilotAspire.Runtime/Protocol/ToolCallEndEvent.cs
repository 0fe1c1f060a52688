using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record ToolCallEndEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ToolCallEnd;
    public required string ToolCallId { get; init; }
}
