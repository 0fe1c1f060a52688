using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record SubagentStartedEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.SubagentStarted;
    [JsonPropertyOrder(-1)]
    public required string Name { get; init; }
    public string? Description { get; init; }
    public string? ParentSubagentRunId { get; init; }
    public string? ParentToolCallId { get; init; }
    public string? ParentMessageId { get; init; }
}
