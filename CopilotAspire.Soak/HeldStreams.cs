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

    /// <summary>After a spike, the Api's RSS must come back to within this multiple of its idle RSS within <see cref="GiveBackWindow"/>.</summary>
    private const double GivenBackRatio = 1.5;

    private static readonly TimeSpan GiveBackWindow = TimeSpan.FromSeconds(60);

    public static async Task<Report> RunAsync(SoakOptions options, CancellationToken cancellationToken)
    {
        var n = options.Streams;
        var ramp = TimeSpan.FromSeconds(Math.Clamp(n / 1000.0, 1, 10));
        var tokens = (int)Math.Ceiling((options.HoldSeconds * 1000 + ramp.TotalMilliseconds) / DelayMs);
        await using var processes = new Processes();
        var environment = new Dictionary<string, string>
        {
            ["CopilotRuntime__InMemory__MaxThreads"] = (2 * n).ToString(CultureInfo.InvariantCulture),
        };
        var redisDirectory = Directory.CreateTempSubdirectory("copilot-soak-held-");
        if (options.HeldRunner == "redis")
        {
            // The deployed shape: threads live in Redis, so what the Api keeps after the spike is its own memory.
            var redis = await processes.StartRedisAsync(FreePort.Next(), redisDirectory.FullName, appendOnly: false, cancellationToken);
            environment["CopilotRuntime__Runner"] = "Redis";
            environment["ConnectionStrings__redis"] = redis.ConnectionString;
        }
        var api = await processes.StartApiAsync(options.ApiDll, environment, cancellationToken);
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

        // Memory given back: the RSS each second for 60 s after the spike, against the idle RSS (after warm-up).
        var spikeEnded = Stopwatch.StartNew();
        TimeSpan? backWithin = null;
        long after5 = 0, after60 = 0;
        using (var second = new PeriodicTimer(TimeSpan.FromSeconds(1)))
        {
            while (spikeEnded.Elapsed < GiveBackWindow && await second.WaitForNextTickAsync(cancellationToken))
            {
                var rss = api.Memory().Rss;
                backWithin ??= rss <= GivenBackRatio * baseline ? spikeEnded.Elapsed : null;
                after5 = spikeEnded.Elapsed <= TimeSpan.FromSeconds(5.5) ? rss : after5;
                after60 = rss;
            }
        }
        var ratio = after60 / (double)baseline;

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
        // The memory goal is a verdict with the Redis runner (the deployed shape); in memory the stored threads are kept by design.
        var givenBack = ratio <= GivenBackRatio || options.HeldRunner != "redis";
        var report = new Report("Held streams", errors == 0 && delivered == expectedEvents && maxOpen == n && givenBack);
        try
        {
            redisDirectory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // redis-server may still be writing as it stops; the temp folder is cleaned by the OS.
        }
        report.Details
            .Line("runner", options.HeldRunner == "redis"
                ? "Redis (a private redis-server): threads stored outside the Api"
                : $"in memory: the {n} finished threads stay stored in the Api (part of the RSS after the spike)")
            .Line("streams (all open together)", $"{n} ({maxOpen} open at most), {tokens} tokens 2 s apart each")
            .Line("held", $"{Text.S(TimeSpan.FromSeconds(rssAllOpenSamples / 2.0))} with every stream open ({Text.S(elapsed)} in all)")
            .Line("events delivered", $"{delivered}/{expectedEvents}")
            .Line("errors (cut, invalid, missing events)", errors.ToString(CultureInfo.InvariantCulture))
            .Line("  what the failed streams were", Classify(results, tokens))
            .Line("Api GC settings", api.GcSettings)
            .Line("Api RSS: idle (after warm-up)", Text.Mb(baseline))
            .Line("Api RSS: all streams open (mean / max)", $"{Text.Mb(average)} / {Text.Mb(rssAllOpenMax)}")
            .Line("Api RSS: peak (VmHWM)", Text.Mb(peak))
            .Line("Api RSS: 5 s after the spike", Text.Mb(after5))
            .Line("Api RSS: 60 s after the spike", $"{Text.Mb(after60)} ({ratio.ToString("0.00", CultureInfo.InvariantCulture)}x idle; goal <= {GivenBackRatio}x)")
            .Line($"Api RSS back within {GivenBackRatio}x idle after", backWithin is { } t ? Text.S(t) : "not within 60 s")
            .Line("memory per open stream (mean RSS - warm-up)", Text.Kb((average - baseline) / (double)n));
        return report;
    }

    /// <summary>
    /// What the streams that did not arrive whole were: refused (an HTTP status other than 200: 503/429 are load
    /// limits by design), never connected (no response), cut mid-way (the connection ended before a terminal event),
    /// ended by an error event (its code), or finished with tokens missing or a broken shape.
    /// </summary>
    private static string Classify(StreamResult[] results, int tokens)
    {
        var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in results)
        {
            var kind = r switch
            {
                { Status: 0 } => "no response (connect failed)",
                { Status: not System.Net.HttpStatusCode.OK } => $"refused {(int)r.Status}",
                { Cut: true } => $"cut after {(r.Events == 0 ? "0 events" : r.Contents == 0 ? "start, 0 tokens" : "some tokens")}",
                { LastType: "RUN_ERROR" } => $"RUN_ERROR {r.LastCode}",
                { Finished: true, Valid: true } when r.Contents == tokens => null,
                { Finished: true } => r.Valid ? "finished, tokens missing" : "finished, invalid shape",
                _ => $"ended after {r.LastType ?? "nothing"}",
            };
            if (kind is not null)
            {
                kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            }
        }
        return kinds.Count == 0 ? "none" : string.Join(", ", kinds.Select(k => $"{k.Key}: {k.Value}"));
    }
}

/// <summary>A scenario's verdict and its figures.</summary>
internal sealed record Report(string Name, bool Passed)
{
    public StringBuilder Details { get; } = new();

    public override string ToString() => $"{Name}: {(Passed ? "PASS" : "FAIL")}\n{Details}";
}
