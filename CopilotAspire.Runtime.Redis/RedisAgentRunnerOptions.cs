using Microsoft.Extensions.Options;

namespace CopilotAspire.Runtime.Redis;

/// <summary>
/// Settings of <see cref="RedisAgentRunner"/> (configuration section <c>CopilotRuntime:Redis</c>), validated when
/// the app starts: an invalid value refuses to start rather than being clamped.
/// </summary>
public sealed class RedisAgentRunnerOptions
{
    /// <summary>The configuration section the options bind from: <c>CopilotRuntime:Redis</c>.</summary>
    public const string SectionName = "CopilotRuntime:Redis";

    /// <summary>
    /// Prefix of every key and channel, so several apps can share one Redis. Default <c>copilot:</c>. Must not
    /// contain <c>{</c> or <c>}</c> (the thread's hash tag follows it).
    /// </summary>
    public string KeyPrefix { get; set; } = "copilot:";

    /// <summary>
    /// How long a thread's keys live after its last activity (a run, a flush, a connect). Default 7 days.
    /// </summary>
    public TimeSpan ThreadTtl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Lifetime of the per-thread run lock; the owning replica renews it every third of this. A replica that dies
    /// mid-run holds its thread at most this long, then the next run/connect/stop closes the run. Default 15 s.
    /// </summary>
    public TimeSpan LockTtl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long the raw events of a finished run stay readable after it ends, so a client resuming with a
    /// <c>Last-Event-ID</c> from inside that run gets exactly the rest of it. Default 5 minutes; at most <see cref="ThreadTtl"/>.
    /// </summary>
    public TimeSpan ResumeWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Finished runs kept per thread; the oldest is dropped past it. Default 100 (as the in-memory runner).</summary>
    public int MaxRunsPerThread { get; set; } = 100;

    /// <summary>
    /// Events one run may emit before it is ended with <c>RUN_ERROR {code: "EVENT_LIMIT_EXCEEDED"}</c>. Default 250 000.
    /// </summary>
    public int MaxEventsPerRun { get; set; } = 250_000;

    /// <summary>Most events written to Redis in one round trip; a busy run's events are batched up to this. Default 512.</summary>
    public int MaxWriteBatch { get; set; } = 512;
}

/// <summary>Rejects settings the runner cannot work with, naming the key to fix.</summary>
internal sealed class RedisAgentRunnerOptionsValidator : IValidateOptions<RedisAgentRunnerOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisAgentRunnerOptions options)
    {
        var failures = new List<string>();
        const string S = RedisAgentRunnerOptions.SectionName;
        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0 || options.KeyPrefix.Length > 64)
        {
            failures.Add($"{S}:KeyPrefix must be 1-64 characters without '{{' or '}}' (got '{options.KeyPrefix}').");
        }
        if (options.LockTtl < TimeSpan.FromMilliseconds(100) || options.LockTtl > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{S}:LockTtl must be between 100 ms and 10 minutes (got {options.LockTtl}).");
        }
        if (options.ThreadTtl < TimeSpan.FromMinutes(1))
        {
            failures.Add($"{S}:ThreadTtl must be at least 1 minute (got {options.ThreadTtl}).");
        }
        if (options.ResumeWindow < TimeSpan.FromSeconds(1) || options.ResumeWindow > options.ThreadTtl)
        {
            failures.Add($"{S}:ResumeWindow must be at least 1 second and at most ThreadTtl (got {options.ResumeWindow}).");
        }
        if (options.MaxRunsPerThread < 1)
        {
            failures.Add($"{S}:MaxRunsPerThread must be at least 1 (got {options.MaxRunsPerThread}).");
        }
        if (options.MaxEventsPerRun < 16)
        {
            failures.Add($"{S}:MaxEventsPerRun must be at least 16 (got {options.MaxEventsPerRun}).");
        }
        if (options.MaxWriteBatch is < 1 or > 4096)
        {
            failures.Add($"{S}:MaxWriteBatch must be between 1 and 4096 (got {options.MaxWriteBatch}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
