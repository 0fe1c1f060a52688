namespace CopilotAspire.Runtime.Protocol;

/// <summary>Token usage reported on <c>RUN_FINISHED</c> / <c>RUN_ERROR</c>.</summary>
public sealed record TokenUsage
{
    public string? Provider { get; init; }
    public string? Model { get; init; }
    public long? InputTokens { get; init; }
    public long? OutputTokens { get; init; }
    public long? TotalTokens { get; init; }
    public long? ReasoningTokens { get; init; }
    public long? CachedInputTokens { get; init; }
    /// <summary>AG-UI 1.0: input tokens written to the provider's cache (a part of <see cref="InputTokens"/>).</summary>
    public long? CacheWriteInputTokens { get; init; }
}
