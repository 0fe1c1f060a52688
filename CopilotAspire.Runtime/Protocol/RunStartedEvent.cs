using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

// Property order in each record is the order the fields appear on the wire.

public sealed record RunStartedEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.RunStarted;
    public required string ThreadId { get; init; }
    public required string RunId { get; init; }
    /// <summary>AG-UI 1.0: the protocol version of the run, echoed from <see cref="RunAgentInput.ProtocolVersion"/> (wire spec §22).</summary>
    public string? ProtocolVersion { get; init; }
    public string? ParentRunId { get; init; }
    public RunAgentInput? Input { get; init; }
}
