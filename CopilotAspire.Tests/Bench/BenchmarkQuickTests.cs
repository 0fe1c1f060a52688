using System.Text;
using CopilotAspire.Bench;
using CopilotAspire.Bench.Load;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Bench;

/// <summary>
/// Keeps the benchmark (eng/bench.sh) working: a small matrix against the real servers — our Api process, the
/// official Node runtime from bench/official, the Redis runner on a private redis-server, the bare-Kestrel ceiling —
/// asserting that every run was correct (200, the full event count, RUN_FINISHED last). Never a speed.
/// </summary>
[Kind(TestKind.Process)]
public sealed class BenchmarkQuickTests
{
    [Fact]
    public async Task A_small_matrix_runs_correctly_against_both_runtimes()
    {
        var official = Path.Combine(NodeClient.RepoRoot(), "bench", "official");
        if (!Directory.Exists(Path.Combine(official, "node_modules", "@copilotkit", "runtime")))
        {
            Assert.Fail($"The official runtime is not installed: run `npm ci` in {official} (eng/test.sh does).");
        }
        var options = SmallMatrix(Path.Combine(AppContext.BaseDirectory, "CopilotAspire.Api.dll"));
        var log = new StringWriter();
        var runner = new BenchRunner(options, log);

        await runner.RunAsync(TestContext.Current.CancellationToken);

        Assert.True(runner.Failures.Count == 0, log.ToString());
        Assert.Equal(6, runner.Loads.Count); // scripted × (official, ours, Redis, ceiling) + default × (official, ours)
        Assert.All(runner.Loads, l => Assert.True(l.Result.Runs > 0 && l.Result.Failures == 0, log.ToString()));
        Assert.All(runner.Loads.Where(l => l.Agent == "scripted"), l => Assert.Equal(24L * l.Result.Runs, l.Result.Events));
        Assert.Equal(3, runner.Replays.Count);
        Assert.All(runner.Replays, r => Assert.Equal(101, r.Events));
        var table = Report.Markdown(runner, options, DateTimeOffset.UtcNow);
        Assert.Contains("| scripted: runs/s, C=3 |", table, StringComparison.Ordinal);
        Assert.Contains("all correct", table, StringComparison.Ordinal);
        // The remote-agent row: ours proxying to another of ours, every run checked like the others.
        var proxy = Assert.Single(runner.Proxies);
        Assert.All([proxy.Direct, proxy.Proxied], l => Assert.Equal(24L * l.Result.Runs, l.Result.Events));
        Assert.Contains("| remote agent (`HttpAgent`), scripted, C=16 |", table, StringComparison.Ordinal);
    }

    /// <summary>A matrix of a fraction of a second per row (C=3, 20 tokens, one replay of 101 events) against <paramref name="api"/>.</summary>
    internal static BenchOptions SmallMatrix(string api) => new()
    {
        ApiDll = api,
        OfficialDirectory = Path.Combine(NodeClient.RepoRoot(), "bench", "official"),
        BenchDll = Path.Combine(AppContext.BaseDirectory, "CopilotAspire.Bench.dll"),
        Concurrency = [3],
        Duration = TimeSpan.FromSeconds(0.3),
        Warmup = TimeSpan.FromSeconds(0.1),
        Tokens = 20,
        ReplaySizes = [101],
        ReplayRepeats = 1,
    };

    [Fact]
    public void The_frame_counter_sees_frames_split_anywhere_skips_comments_and_reads_the_last_type()
    {
        var body = Encoding.UTF8.GetBytes(
            ": keep-alive\n\nid: 1.1\ndata: {\"type\":\"RUN_STARTED\"}\n\ndata: {\"type\":\"TEXT_MESSAGE_CONTENT\",\"delta\":\"a\\nb\"}\n\n" +
            "data: {\"type\":\"RUN_FINISHED\",\"threadId\":\"t\"}\n\n");
        for (var split = 0; split <= body.Length; split++)
        {
            var counter = new SseCounter();
            counter.Feed(body.AsSpan(0, split));
            counter.Feed(body.AsSpan(split));
            Assert.Equal(3, counter.Events);
            Assert.True(counter.LastWasRunFinished);
        }
        var unfinished = new SseCounter();
        unfinished.Feed("data: {\"type\":\"RUN_FINISHED\"}\n\ndata: {\"type\":\"RUN_ERROR\"}\n\n"u8);
        Assert.Equal(2, unfinished.Events);
        Assert.False(unfinished.LastWasRunFinished);
    }
}
