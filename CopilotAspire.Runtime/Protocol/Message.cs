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
    public required string Id { get; init; }
    public required string Role { get; init; }

    /// <summary>
    /// A string for every role but <c>user</c> and <c>tool</c> (string or array of content parts; a tool's parts are
    /// AG-UI 1.0) and <c>activity</c> (object).
    /// </summary>
    public JsonElement? Content { get; init; }
    public string? Name { get; init; }
    public IReadOnlyList<ToolCall>? ToolCalls { get; init; }
    public string? ToolCallId { get; init; }
    public string? Error { get; init; }
    public string? ActivityType { get; init; }
    public string? EncryptedValue { get; init; }
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

    public static Message User(string id, string content) => new() { Id = id, Role = MessageRoles.User, Content = JsonSerializer.SerializeToElement(content, AgUiJson.Context.String) };

    public static Message Assistant(string id, string? content, IReadOnlyList<ToolCall>? toolCalls = null) => new()
    {
        Id = id,
        Role = MessageRoles.Assistant,
        Content = content is null ? null : JsonSerializer.SerializeToElement(content, AgUiJson.Context.String),
        ToolCalls = toolCalls,
    };

    public static Message ToolResult(string id, string toolCallId, string content) => new()
    {
        Id = id,
        Role = MessageRoles.Tool,
        ToolCallId = toolCallId,
        Content = JsonSerializer.SerializeToElement(content, AgUiJson.Context.String),
    };
}
