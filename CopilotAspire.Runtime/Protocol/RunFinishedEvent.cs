using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

public sealed record RunFinishedEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.RunFinished;
    public string? ThreadId { get; init; }
    public string? RunId { get; init; }
    public JsonElement? Result { get; init; }
    public string? FinishReason { get; init; }
    public IReadOnlyList<TokenUsage>? Usage { get; init; }
    public JsonElement? Outcome { get; init; }
}
