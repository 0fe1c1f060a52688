using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace CopilotAspire.Soak;

/// <summary>
/// Redis restarted mid-traffic with persistence on (AOF, as the AppHost's Redis on a volume): runs get 503 while it
/// is down and work again after with no Api restart, runs streaming at that moment reach their clients, and the
/// history of runs finished before survives.
/// </summary>
internal static class RedisRestart
{
    private const int Tokens = 50;
    private const int DelayMs = 100;

    public static async Task<Report> RunAsync(SoakOptions options, CancellationToken cancellationToken)
    {
        var processes = new Processes();
        var directory = Directory.CreateTempSubdirectory("copilot-soak-aof-").FullName;
        try
        {
            var port = FreePort.Next();
            var redis = await processes.StartRedisAsync(port, directory, appendOnly: true, cancellationToken);
            var api = await processes.StartApiAsync(options.ApiDll, new Dictionary<string, string>
            {
                ["CopilotRuntime__Runner"] = "Redis",
                ["ConnectionStrings__redis"] = redis.ConnectionString,
            }, cancellationToken);
            using var client = new SseClient();
            var prefix = "restart-" + Guid.NewGuid().ToString("N")[..8];
            var expectedText = string.Join(' ', Enumerable.Range(0, Tokens).Select(i => "t" + i.ToString(CultureInfo.InvariantCulture)));

            // History: runs finished before the restart.
            var finishedBefore = options.Runs / 2;
            var before = new List<StreamResult>();
            foreach (var chunk in Enumerable.Range(0, finishedBefore).Chunk(20))
            {
                before.AddRange(await Task.WhenAll(chunk.Select(i => client.StreamAsync(api.Address, "run", SseClient.Body($"{prefix}-done-{i}", "r1", "hello"), cancellationToken))));
            }

            // Streams running across the restart.
            var streaming = options.Runs - finishedBefore;
            var clock = Stopwatch.StartNew();
            var tasks = new Task<StreamResult>[streaming];
            for (var i = 0; i < streaming; i++)
            {
                tasks[i] = client.StreamAsync(api.Address, "run", SseClient.Body($"{prefix}-live-{i}", "r1", $"tokens:{Tokens} delay:{DelayMs}"), cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(1.0 / streaming), cancellationToken);
            }
            await Task.Delay(TimeSpan.FromSeconds(1.5) - clock.Elapsed, cancellationToken);

            await redis.StopAsync(cancellationToken);
            var down = Stopwatch.StartNew();
            int refused = 0, other = 0;
            while (down.Elapsed < TimeSpan.FromSeconds(options.DowntimeSeconds))
            {
                var attempt = await client.StreamAsync(api.Address, "run", SseClient.Body($"{prefix}-down-{refused + other}", "r1", "hello"), cancellationToken);
                if (attempt.Status == HttpStatusCode.ServiceUnavailable)
                {
                    refused++;
                }
                else
                {
                    other++;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
            var healthDown = await client.GetStatusAsync(api.Address, "health", cancellationToken);
            redis = await processes.StartRedisAsync(port, directory, appendOnly: true, cancellationToken);
            var back = Stopwatch.StartNew();
            TimeSpan? recovered = null;
            for (var attempt = 0; back.Elapsed < TimeSpan.FromSeconds(60); attempt++)
            {
                if ((await client.StreamAsync(api.Address, "run", SseClient.Body($"{prefix}-after-{attempt}", "r1", "hello"), cancellationToken)).Finished)
                {
                    recovered = back.Elapsed;
                    break;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
            var downtime = down.Elapsed - back.Elapsed;
            var results = await Task.WhenAll(tasks);
            var reached = results.Count(r => r.Finished && r.Valid && r.Text == expectedText);

            var historyBefore = await Task.WhenAll(Enumerable.Range(0, finishedBefore).Select(i => client.StreamAsync(api.Address, "connect", SseClient.Body($"{prefix}-done-{i}", "c1", ""), cancellationToken)));
            var survived = historyBefore.Count(h => h.Valid && h.LastType == "RUN_FINISHED");
            var historyLive = await Task.WhenAll(Enumerable.Range(0, streaming).Select(i => client.StreamAsync(api.Address, "connect", SseClient.Body($"{prefix}-live-{i}", "c1", ""), cancellationToken)));
            var liveStored = historyLive.Count(h => h.Valid && h.LastType == "RUN_FINISHED" && h.Text == expectedText);
            var liveBroken = historyLive.Count(h => h.Events > 0 && !h.Valid);

            var passed = before.All(r => r.Finished) && other == 0 && refused > 0 && recovered is not null && reached == streaming && survived == finishedBefore && liveBroken == 0;
            var report = new Report("Redis restart (AOF)", passed);
            report.Details
                .Line("runs finished before the restart", Text.Ratio(before.Count(r => r.Finished), finishedBefore))
                .Line("runs streaming across it", $"{streaming} ({Tokens} tokens {DelayMs} ms apart)")
                .Line("Redis down (SIGTERM, then started again)", Text.S(downtime))
                .Line("new runs while down: 503 / other", $"{refused} / {other}; /health {(int)healthDown}")
                .Line("first new run finished after the restart", recovered is { } r ? Text.S(r) + " (no Api restart)" : "never")
                .Line("streaming runs reached their clients whole", Text.Ratio(reached, streaming))
                .Line("finished history after the restart", Text.Ratio(survived, finishedBefore))
                .Line("streaming runs stored whole / histories broken", $"{liveStored}/{streaming} / {liveBroken}");
            return report;
        }
        finally
        {
            await processes.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }
}
