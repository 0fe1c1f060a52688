using CopilotAspire.Runtime.Hosting;
using CopilotAspire.Tests.Runners;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Tests.Infrastructure;

/// <summary>The runtime on a runner chosen by name, for tests that run on both.</summary>
public static class RunnerTestHosts
{
    /// <summary>
    /// <paramref name="runner"/> <c>"InMemory"</c> (the default runner) or <c>"Redis"</c> (a runner of
    /// <paramref name="factory"/> with a key prefix of its own, so tests sharing the server never meet).
    /// </summary>
    public static async Task<RuntimeTestHost> StartAsync(RedisRunnerFactory factory, string runner, Action<CopilotRuntimeBuilder>? configure = null,
        IDictionary<string, string?>? settings = null)
    {
        var redisRunner = runner == "Redis" ? await factory.CreateAsync(o => o.KeyPrefix = "t" + Guid.NewGuid().ToString("N")[..10] + ":") : null;
        return await RuntimeTestHost.StartAsync(
            r =>
            {
                if (redisRunner is not null)
                {
                    r.WithRunner(redisRunner);
                }
                configure?.Invoke(r);
            },
            settings);
    }

    /// <summary>A thread scope from the request's <c>x-user</c> header; none: the unscoped namespace.</summary>
    public static ValueTask<string?> ScopeFromUserHeader(HttpContext http, CancellationToken cancellationToken) =>
        ValueTask.FromResult<string?>(http.Request.Headers["x-user"].ToString() is { Length: > 0 } user ? user : null);
}
