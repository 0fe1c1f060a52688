using CopilotAspire.Tests.Hosting;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Faults;

/// <summary>
/// Durable Redis: a redis-server persisting as the published container does (its data directory, snapshots and the
/// append-only file; locally <c>Redis:DataDirectory</c>) is restarted as a container restart does it (SIGTERM, then a
/// new server on the same directory). Every finished thread and every run stored in it replays exactly as before.
/// </summary>
[Kind(TestKind.Process)]
public sealed class RedisDataDirectoryRestartTests(DeployedRedisServerFixture redis) : IClassFixture<DeployedRedisServerFixture>
{
    private const int Threads = 6;
    private const int RunsPerThread = 3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_restart_on_the_data_directory_keeps_every_finished_thread_and_every_stored_run()
    {
        await using var api = await ApiProcess.StartAsync(new Dictionary<string, string>
        {
            ["CopilotRuntime__Runner"] = "Redis",
            ["ConnectionStrings__redis"] = redis.ConnectionString,
        }, Ct);
        var prefix = "durable-" + Guid.NewGuid().ToString("N")[..8];
        var threads = Enumerable.Range(0, Threads).Select(i => $"{prefix}-{i}").ToList();
        foreach (var thread in threads)
        {
            for (var run = 0; run < RunsPerThread; run++)
            {
                await using var frames = await ApiStreams.OpenAsync(api, "/run", ApiStreams.Body(thread, $"r{run}", $"tokens:{run + 2}"), Ct);
                Assert.Equal("RUN_FINISHED", (await frames.ReadToEndAsync())[^1].Type);
            }
        }
        var before = await ReplayAsync(api, threads);
        Assert.All(before.Values, replay => Assert.Equal(RunsPerThread, replay.Count(data => data.Contains("\"type\":\"RUN_STARTED\"", StringComparison.Ordinal))));

        await redis.StopGracefullyAsync();
        Assert.True(Directory.EnumerateFiles(redis.DataDirectory, "*.aof", SearchOption.AllDirectories).Any(), "redis-server wrote no append-only file");
        await redis.StartAsync();
        await api.UntilReadyAsync(Ct);

        var after = await ReplayAsync(api, threads);
        foreach (var thread in threads)
        {
            Assert.Equal(before[thread], after[thread]);
        }
    }

    /// <summary>Each thread's connect replay (its compacted finished runs), as the data of its frames.</summary>
    private static async Task<Dictionary<string, List<string>>> ReplayAsync(ApiProcess api, IEnumerable<string> threads)
    {
        var replays = new Dictionary<string, List<string>>();
        foreach (var thread in threads)
        {
            await using var frames = await ApiStreams.OpenAsync(api, "/connect", ApiStreams.Body(thread, "c1", ""), Ct);
            replays[thread] = [.. (await frames.ReadToEndAsync()).Select(f => f.Data!)];
        }
        return replays;
    }
}
