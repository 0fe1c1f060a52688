using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>A frontend tool the client offers: the server passes it to the agent and never runs it.</summary>
public sealed record Tool
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    public JsonElement? Parameters { get; init; }
    public JsonElement? Metadata { get; init; }
}
