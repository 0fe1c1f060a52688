using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record ToolCallArgsEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.ToolCallArgs;
    public required string ToolCallId { get; init; }
    public required string Delta { get; init; }
}
