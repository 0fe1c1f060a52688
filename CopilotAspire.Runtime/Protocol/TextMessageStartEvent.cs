using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// <c>TEXT_MESSAGE_START</c>: a streamed text message begins (wire spec §4.2). Its text follows in
/// <see cref="TextMessageContentEvent"/>s and it ends with <see cref="TextMessageEndEvent"/>.
/// </summary>
public sealed record TextMessageStartEvent : AgUiEvent
{
    /// <inheritdoc/>
    [JsonIgnore] public override string Type => EventTypes.TextMessageStart;
    /// <summary>The message's id; it must not be open already, and the message keeps it in the conversation.</summary>
    public required string MessageId { get; init; }
    /// <summary>Who speaks: <c>assistant</c> (the default), <c>developer</c>, <c>system</c> or <c>user</c>.</summary>
    public string? Role { get; init; } = "assistant";
    /// <summary>An optional name of the speaker; omitted when <see langword="null"/>.</summary>
    public string? Name { get; init; }
}
