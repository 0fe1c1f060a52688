using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

public sealed record RunErrorEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.RunError;
    public required string Message { get; init; }
    public string? Code { get; init; }
    public string? ThreadId { get; init; }
    public string? RunId { get; init; }
    public IReadOnlyList<TokenUsage>? Usage { get; init; }
}
