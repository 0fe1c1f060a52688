namespace CopilotAspire.Runtime.Protocol;

/// <summary>Token usage reported on <c>RUN_FINISHED</c> / <c>RUN_ERROR</c>.</summary>
public sealed record TokenUsage
{
    /// <summary>The model provider (<c>openai</c>, <c>anthropic</c>, …), if known.</summary>
    public string? Provider { get; init; }
    /// <summary>The model id, if known.</summary>
    public string? Model { get; init; }
    /// <summary>Tokens of the prompt; <see langword="null"/> when the provider does not say.</summary>
    public long? InputTokens { get; init; }
    /// <summary>Tokens the model produced.</summary>
    public long? OutputTokens { get; init; }
    /// <summary>Input and output together, as the provider counts them.</summary>
    public long? TotalTokens { get; init; }
    /// <summary>Output tokens spent on reasoning (a part of <see cref="OutputTokens"/>).</summary>
    public long? ReasoningTokens { get; init; }
    /// <summary>Input tokens read from the provider's cache (a part of <see cref="InputTokens"/>).</summary>
    public long? CachedInputTokens { get; init; }
    /// <summary>AG-UI 1.0: input tokens written to the provider's cache (a part of <see cref="InputTokens"/>).</summary>
    public long? CacheWriteInputTokens { get; init; }
}
