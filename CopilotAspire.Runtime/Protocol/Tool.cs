using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>A frontend tool the client offers: the server passes it to the agent and never runs it.</summary>
public sealed record Tool
{
    /// <summary>The name the model calls it by.</summary>
    public required string Name { get; init; }
    /// <summary>What the tool does, for the model.</summary>
    public required string Description { get; init; }
    /// <summary>The JSON Schema of its arguments; <see langword="null"/> when the client sends none.</summary>
    public JsonElement? Parameters { get; init; }
    /// <summary>Free-form data about the tool, a JSON object.</summary>
    public JsonElement? Metadata { get; init; }
}
