using System.Globalization;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Hosting;

/// <summary>
/// The Api's memory after a load spike, in a real process on the Redis runner (the deployed shape: threads live in
/// Redis): held streams raise its RSS; once they end and the app is quiet, <c>MemoryReclaimer</c> collects and the RSS
/// comes back to within 1.5x what it was idle. (<c>eng/soak.sh --held-runner redis</c> measures it at 10,000 streams.)
/// </summary>
[Kind(TestKind.Process)]
public sealed class MemoryGivenBackTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const int Streams = 400;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task After_a_spike_of_held_streams_the_Api_gives_its_memory_back_once_quiet()
    {
        await using var api = await ApiProcess.StartAsync(new Dictionary<string, string>
        {
            ["CopilotRuntime__Runner"] = "Redis",
            ["ConnectionStrings__redis"] = redis.ConnectionString,
            ["Memory__CheckIntervalSeconds"] = "1",
            ["Memory__SpikeBytes"] = (4 << 20).ToString(CultureInfo.InvariantCulture),
            ["Memory__QuietAllocationBytesPerSecond"] = (64 << 10).ToString(CultureInfo.InvariantCulture), // the spike is never quiet
        }, Ct);
        var prefix = "memory-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 20; i++)
        {
            await using var warm = await ApiStreams.OpenAsync(api, "/run", ApiStreams.Body($"{prefix}-warm-{i}", "r1", "tokens:3"), Ct);
            await warm.ReadToEndAsync();
        }
        await api.WaitForOutputAsync("GC: ", Ct);
        var idle = Rss(api);

        // Every stream open at once (each first token 500 ms after its start), then read to its end.
        var streams = await Task.WhenAll(Enumerable.Range(0, Streams).Select(async i =>
        {
            var frames = await ApiStreams.OpenAsync(api, "/run", ApiStreams.Body($"{prefix}-{i}", "r1", "tokens:4 delay:500"), Ct);
            await frames.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");
            return frames;
        }));
        var peak = Rss(api);
        foreach (var frames in streams)
        {
            Assert.Equal("RUN_FINISHED", (await frames.ReadToEndAsync())[^1].Type);
            await frames.DisposeAsync();
        }

        // The first reclaim logged after the spike ended (one before it, from start-up, does not count).
        var earlier = api.Output.Split('\n').Count(IsReclaim);
        var seen = 0;
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        patience.CancelAfter(TimeSpan.FromSeconds(90)); // quiet is seen within a check interval (1 s here) of the spike's end
        await api.WaitForOutputAsync(line => IsReclaim(line) && ++seen > earlier, patience.Token);
        var after = Rss(api);
        Assert.True(after <= 1.5 * idle, $"RSS idle {idle >> 20} MB, with {Streams} streams {peak >> 20} MB, after the reclaim {after >> 20} MB\n{api.Output}");
    }

    private static bool IsReclaim(string line) => line.Contains("Memory reclaimed after a spike", StringComparison.Ordinal);

    private static long Rss(ApiProcess api) =>
        1024 * long.Parse(File.ReadLines($"/proc/{api.ProcessId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
