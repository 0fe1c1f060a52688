using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>A tool call made by an assistant message.</summary>
public sealed record ToolCall
{
    public required string Id { get; init; }
    public string Type { get; init; } = "function";
    public required FunctionCall Function { get; init; }
    public string? EncryptedValue { get; init; }
    public JsonElement? Metadata { get; init; }
}
