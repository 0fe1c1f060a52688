using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Runtime.Runners;

/// <summary>Bounds of the in-memory runner (configuration section <c>CopilotRuntime:InMemory</c>).</summary>
public sealed class InMemoryAgentRunnerOptions
{
    /// <summary>Threads kept; the least recently used idle thread is evicted past it. Default 1000 (as the official runtime).</summary>
    [Range(1, int.MaxValue)]
    public int MaxThreads { get; set; } = 1000;

    /// <summary>Finished runs kept per thread; the oldest is dropped past it. Default 100.</summary>
    [Range(1, int.MaxValue)]
    public int MaxRunsPerThread { get; set; } = 100;

    /// <summary>Approximate bytes (serialized JSON) of all stored history; idle LRU threads are evicted past it. Default 512 MiB.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>
    /// Events one run may emit before it is ended with <c>RUN_ERROR {code: "EVENT_LIMIT_EXCEEDED"}</c>; bounds the
    /// in-flight buffer that connect replays from. Default 250 000.
    /// </summary>
    [Range(16, int.MaxValue)]
    public int MaxEventsPerRun { get; set; } = 250_000;
}

[OptionsValidator]
internal sealed partial class InMemoryAgentRunnerOptionsValidator : IValidateOptions<InMemoryAgentRunnerOptions>;
