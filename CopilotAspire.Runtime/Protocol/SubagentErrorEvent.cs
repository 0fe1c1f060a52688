using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record SubagentErrorEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.SubagentError;
    public required string Message { get; init; }
    public string? Code { get; init; }
}
