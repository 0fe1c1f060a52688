namespace CopilotAspire.Runtime.Protocol;

/// <summary>The function a <see cref="ToolCall"/> calls: the tool's name and its arguments.</summary>
public sealed record FunctionCall
{
    /// <summary>The tool's name.</summary>
    public required string Name { get; init; }
    /// <summary>The arguments as JSON text, exactly as the model wrote them (not parsed).</summary>
    public required string Arguments { get; init; }
}
