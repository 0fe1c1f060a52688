using System.Net;
using CopilotAspire.Tests.Hosting;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Faults;

/// <summary>
/// The short CI version of the soak tool's Redis restart (<c>eng/soak.sh</c>): a redis-server with its append-only
/// file is killed and started again while runs stream through a real Api process.
/// </summary>
[Kind(TestKind.Process)]
public sealed class RedisRestartUnderTrafficTests(PersistentRedisServerFixture redis) : IClassFixture<PersistentRedisServerFixture>
{
    private const int Streaming = 4;
    private const int Tokens = 30;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_Redis_restart_mid_traffic_refuses_runs_while_down_keeps_streams_and_history_and_needs_no_Api_restart()
    {
        await using var api = await ApiProcess.StartAsync(new Dictionary<string, string>
        {
            ["CopilotRuntime__Runner"] = "Redis",
            ["ConnectionStrings__redis"] = redis.ConnectionString,
        }, Ct);
        var prefix = "restart-" + Guid.NewGuid().ToString("N")[..8];

        await using (var before = await ApiStreams.OpenAsync(api, "/run", ApiStreams.Body(prefix + "-done", "r1", "hello"), Ct))
        {
            Assert.Equal("RUN_FINISHED", (await before.ReadToEndAsync())[^1].Type);
        }
        var streams = new List<(IAsyncEnumerator<SseFrame> Frames, List<SseFrame> Read)>();
        for (var i = 0; i < Streaming; i++)
        {
            var frames = await ApiStreams.OpenAsync(api, "/run", ApiStreams.Body($"{prefix}-s{i}", "r1", $"tokens:{Tokens} delay:200"), Ct);
            streams.Add((frames, await frames.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT")));
        }

        await redis.StopAsync();
        try
        {
            using var refused = await api.PostAsync(ApiStreams.Agent + "/run", ApiStreams.Body(prefix + "-down", "r1", "hello"), Ct);
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable,
                $"{refused.StatusCode}: {await refused.Content.ReadAsStringAsync(Ct)}\n{api.Output}");
        }
        finally
        {
            await redis.StartAsync();
        }

        // No Api restart: it reconnects by itself (its health check says when).
        await api.UntilReadyAsync(Ct);
        await using (var after = await ApiStreams.OpenAsync(api, "/run", ApiStreams.Body(prefix + "-after", "r1", "hello"), Ct))
        {
            Assert.Equal("RUN_FINISHED", (await after.ReadToEndAsync())[^1].Type);
        }

        foreach (var (frames, read) in streams)
        {
            read.AddRange(await frames.ReadToEndAsync());
            await frames.DisposeAsync();
            Assert.Equal("RUN_FINISHED", read[^1].Type);
            Assert.Equal(Tokens, read.Count(f => f.Type == "TEXT_MESSAGE_CONTENT"));
        }

        // The run finished before the restart is still there (the append-only file).
        await using var replay = await ApiStreams.OpenAsync(api, "/connect", ApiStreams.Body(prefix + "-done", "c1", ""), Ct);
        var history = await replay.ReadToEndAsync();
        Assert.Equal(["RUN_STARTED"], history.Where(f => f.Type == "RUN_STARTED").Select(f => f.Type));
        Assert.Equal("RUN_FINISHED", history[^1].Type);
    }
}
