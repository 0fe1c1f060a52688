using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// An AG-UI message of any role (<c>developer</c>, <c>system</c>, <c>assistant</c>, <c>user</c>, <c>tool</c>,
/// <c>activity</c>, <c>reasoning</c>). One flat type keeps the wire order of each role's schema, which a
/// discriminator-first polymorphic type would not. Unknown roles and malformed fields fail to deserialize.
/// </summary>
[JsonConverter(typeof(MessageJsonConverter))]
public sealed record Message
{
    /// <summary>The message's id, unique in the thread; replays and compaction keep it.</summary>
    public required string Id { get; init; }
    /// <summary>One of <see cref="MessageRoles"/>; an unknown role is refused with 400.</summary>
    public required string Role { get; init; }

    /// <summary>
    /// A string for every role but <c>user</c> and <c>tool</c> (string or array of content parts; a tool's parts are
    /// AG-UI 1.0) and <c>activity</c> (object).
    /// </summary>
    public JsonElement? Content { get; init; }
    /// <summary>
    /// An optional name of the speaker (<c>developer</c>, <c>system</c>, <c>assistant</c>, <c>user</c>).
    /// </summary>
    public string? Name { get; init; }
    /// <summary>The tools an <c>assistant</c> message calls; <see langword="null"/> when it calls none.</summary>
    public IReadOnlyList<ToolCall>? ToolCalls { get; init; }
    /// <summary>For a <c>tool</c> message: the call it answers.</summary>
    public string? ToolCallId { get; init; }
    /// <summary>For a <c>tool</c> message: the error of a call that failed, if any.</summary>
    public string? Error { get; init; }
    /// <summary>
    /// For an <c>activity</c> message: its kind (see <see cref="ActivitySnapshotEvent"/>). The runtime removes activity
    /// messages before an agent sees the input (wire spec §4.7).
    /// </summary>
    public string? ActivityType { get; init; }
    /// <summary>
    /// A provider's encrypted reasoning attached to the message (see <see cref="ReasoningEncryptedValueEvent"/>),
    /// passed back to the model unchanged.
    /// </summary>
    public string? EncryptedValue { get; init; }
    /// <summary>Free-form data about the message, a JSON object (an explicit JSON <c>null</c> is refused).</summary>
    public JsonElement? Metadata { get; init; }

    /// <summary>The content when it is a plain string; for multimodal user content, its text parts joined.</summary>
    [JsonIgnore]
    public string? Text => Content switch
    {
        { ValueKind: JsonValueKind.String } c => c.GetString(),
        { ValueKind: JsonValueKind.Array } parts => string.Concat(parts.EnumerateArray()
            .Where(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("type", out var t) && t.ValueEquals("text")
                && p.TryGetProperty("text", out var x) && x.ValueKind == JsonValueKind.String)
            .Select(p => p.GetProperty("text").GetString())),
        _ => null,
    };

    /// <summary>A <c>user</c> message with plain text content.</summary>
    /// <param name="id">The message id.</param>
    /// <param name="content">The user's text.</param>
    public static Message User(string id, string content) => new() { Id = id, Role = MessageRoles.User, Content = JsonSerializer.SerializeToElement(content, AgUiJson.Context.String) };

    /// <summary>An <c>assistant</c> message: text, tool calls, or both.</summary>
    /// <param name="id">The message id.</param>
    /// <param name="content">The text; <see langword="null"/> leaves <see cref="Content"/> out (a message with only
    /// tool calls).</param>
    /// <param name="toolCalls">The tools it calls, or <see langword="null"/>.</param>
    public static Message Assistant(string id, string? content, IReadOnlyList<ToolCall>? toolCalls = null) => new()
    {
        Id = id,
        Role = MessageRoles.Assistant,
        Content = content is null ? null : JsonSerializer.SerializeToElement(content, AgUiJson.Context.String),
        ToolCalls = toolCalls,
    };

    /// <summary>A <c>tool</c> message: the result of a tool call, sent back on the next run.</summary>
    /// <param name="id">The message id.</param>
    /// <param name="toolCallId">The <see cref="ToolCall.Id"/> it answers.</param>
    /// <param name="content">The result, usually JSON text.</param>
    public static Message ToolResult(string id, string toolCallId, string content) => new()
    {
        Id = id,
        Role = MessageRoles.Tool,
        ToolCallId = toolCallId,
        Content = JsonSerializer.SerializeToElement(content, AgUiJson.Context.String),
    };
}
