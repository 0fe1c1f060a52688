using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>SUBAGENT_FINISHED</c> (AG-UI 0.0.59): the sub-agent of <see cref="AgUiEvent.SubagentRunId"/> ended (wire spec
/// §4.2).
/// </summary>
public sealed record SubagentFinishedEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.SubagentFinished;
    /// <summary>The sub-agent's result, any JSON value.</summary>
    public JsonElement? Result { get; init; }
    /// <summary>
    /// <c>{"type":"success"}</c> or <c>{"type":"suspended","interruptIds":[…]}</c>; omitted when
    /// <see langword="null"/>.
    /// </summary>
    public JsonElement? Outcome { get; init; }
}
