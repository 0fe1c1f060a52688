using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>A tool call made by an assistant message.</summary>
public sealed record ToolCall
{
    /// <summary>
    /// The call's id; the <c>tool</c> message with the result names it in <see cref="Message.ToolCallId"/>.
    /// </summary>
    public required string Id { get; init; }
    /// <summary>Always <c>function</c>.</summary>
    public string Type { get; init; } = "function";
    /// <summary>The tool called and its arguments.</summary>
    public required FunctionCall Function { get; init; }
    /// <summary>A provider's encrypted reasoning for the call, passed back unchanged.</summary>
    public string? EncryptedValue { get; init; }
    /// <summary>Free-form data about the call, a JSON object.</summary>
    public JsonElement? Metadata { get; init; }
}
