namespace CopilotAspire.Runtime.Protocol;

/// <summary>A piece of application context (readable) the client shares with the agent.</summary>
public sealed record Context
{
    public required string Description { get; init; }
    public required string Value { get; init; }
}
