namespace CopilotAspire.Runtime.Protocol;

/// <summary>A piece of application context (readable) the client shares with the agent.</summary>
public sealed record Context
{
    /// <summary>What the value is, for the model (e.g. "the user's cart").</summary>
    public required string Description { get; init; }
    /// <summary>The value, as text (often JSON).</summary>
    public required string Value { get; init; }
}
