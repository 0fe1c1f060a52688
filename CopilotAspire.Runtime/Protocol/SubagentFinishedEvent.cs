using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

public sealed record SubagentFinishedEvent : AgUiEvent
{
    [JsonIgnore] public override string Type => EventTypes.SubagentFinished;
    public JsonElement? Result { get; init; }
    public JsonElement? Outcome { get; init; }
}
