using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CopilotAspire.Soak;

/// <summary>
/// N streams held open at once on one Api (in-memory runner) for the hold time: paced scripted runs (a token every
/// 2 s), opened over a ramp, every one of them open together for the whole hold. Every event must arrive; the Api's
/// RSS is sampled throughout.
/// </summary>
internal static class HeldStreams
{
    private const int DelayMs = 2000;

    public static async Task<Report> RunAsync(SoakOptions options, CancellationToken cancellationToken)
    {
        var n = options.Streams;
        var ramp = TimeSpan.FromSeconds(Math.Clamp(n / 1000.0, 1, 10));
        var tokens = (int)Math.Ceiling((options.HoldSeconds * 1000 + ramp.TotalMilliseconds) / DelayMs);
        await using var processes = new Processes();
        var api = await processes.StartApiAsync(options.ApiDll, new Dictionary<string, string>
        {
            ["CopilotRuntime__InMemory__MaxThreads"] = (2 * n).ToString(CultureInfo.InvariantCulture),
        }, cancellationToken);
        using var client = new SseClient();

        for (var i = 0; i < 50; i++)
        {
            await client.StreamAsync(api.Address, "run", SseClient.Body($"warm-{i}", "r1", "tokens:5"), cancellationToken);
        }
        var baseline = api.Memory().Rss;

        var open = 0;
        var maxOpen = 0;
        long rssAllOpenMax = 0, rssAllOpenSum = 0, rssAllOpenSamples = 0;
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
            while (!sampling.IsCancellationRequested)
            {
                try
                {
                    await timer.WaitForNextTickAsync(sampling.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                var now = Volatile.Read(ref open);
                maxOpen = Math.Max(maxOpen, now);
                if (now == n)
                {
                    var rss = api.Memory().Rss;
                    rssAllOpenMax = Math.Max(rssAllOpenMax, rss);
                    rssAllOpenSum += rss;
                    rssAllOpenSamples++;
                }
            }
        }, CancellationToken.None);

        var clock = Stopwatch.StartNew();
        var script = $"tokens:{tokens} delay:{DelayMs}";
        var tasks = new Task<StreamResult>[n];
        for (var i = 0; i < n; i++)
        {
            var due = ramp * i / n;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, cancellationToken);
            }
            tasks[i] = Track(client.StreamAsync(api.Address, "run", SseClient.Body($"held-{i}", "r1", script), cancellationToken, () => Interlocked.Increment(ref open)));
        }
        var results = await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed;
        await sampling.CancelAsync();
        await sampler;
        var peak = api.Memory().Peak;
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        var after = api.Memory().Rss;

        async Task<StreamResult> Track(Task<StreamResult> stream)
        {
            var result = await stream;
            if (result.Status == System.Net.HttpStatusCode.OK)
            {
                Interlocked.Decrement(ref open);
            }
            return result;
        }

        var expectedEvents = (long)n * (tokens + 4);
        var delivered = results.Sum(r => (long)r.Events);
        var errors = results.Count(r => !r.Finished || !r.Valid || r.Contents != tokens);
        var average = rssAllOpenSamples == 0 ? 0 : rssAllOpenSum / rssAllOpenSamples;
        var report = new Report("Held streams", errors == 0 && delivered == expectedEvents && maxOpen == n);
        report.Details
            .Line("streams (all open together)", $"{n} ({maxOpen} open at most), {tokens} tokens 2 s apart each")
            .Line("held", $"{Text.S(TimeSpan.FromSeconds(rssAllOpenSamples / 2.0))} with every stream open ({Text.S(elapsed)} in all)")
            .Line("events delivered", $"{delivered}/{expectedEvents}")
            .Line("errors (cut, invalid, missing events)", errors.ToString(CultureInfo.InvariantCulture))
            .Line("Api RSS: after warm-up", Text.Mb(baseline))
            .Line("Api RSS: all streams open (mean / max)", $"{Text.Mb(average)} / {Text.Mb(rssAllOpenMax)}")
            .Line("Api RSS: peak (VmHWM)", Text.Mb(peak))
            .Line("Api RSS: 5 s after the runs ended", Text.Mb(after))
            .Line("memory per open stream (mean RSS - warm-up)", Text.Kb((average - baseline) / (double)n));
        return report;
    }
}

/// <summary>A scenario's verdict and its figures.</summary>
internal sealed record Report(string Name, bool Passed)
{
    public StringBuilder Details { get; } = new();

    public override string ToString() => $"{Name}: {(Passed ? "PASS" : "FAIL")}\n{Details}";
}
