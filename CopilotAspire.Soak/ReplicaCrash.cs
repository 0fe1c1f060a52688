using System.Diagnostics;
using System.Globalization;

namespace CopilotAspire.Soak;

/// <summary>
/// Two Api replicas on one redis-server, paced runs spread over both, one replica SIGKILLed mid-traffic. Every run the
/// dead replica owned must be closed as RUN_INTERRUPTED in its thread's history within about 2 × LockTtl, every run on
/// the survivor must complete, and every finished run's history must be intact.
/// </summary>
internal static class ReplicaCrash
{
    private const int Tokens = 50;
    private const int DelayMs = 100;

    public static async Task<Report> RunAsync(SoakOptions options, CancellationToken cancellationToken)
    {
        var processes = new Processes();
        var directory = Directory.CreateTempSubdirectory("copilot-soak-redis-").FullName;
        try
        {
            var redis = await processes.StartRedisAsync(FreePort.Next(), directory, appendOnly: false, cancellationToken);
            var lockTtl = TimeSpan.FromSeconds(options.LockTtlSeconds);
            var environment = new Dictionary<string, string>
            {
                ["CopilotRuntime__Runner"] = "Redis",
                ["ConnectionStrings__redis"] = redis.ConnectionString,
                ["CopilotRuntime__Redis__LockTtl"] = lockTtl.ToString(),
            };
            var replicas = await Task.WhenAll(processes.StartApiAsync(options.ApiDll, environment, cancellationToken), processes.StartApiAsync(options.ApiDll, environment, cancellationToken));
            var (doomed, survivor) = (replicas[0], replicas[1]);
            using var client = new SseClient();

            var n = options.Runs;
            var prefix = "crash-" + Guid.NewGuid().ToString("N")[..8];
            var expectedText = string.Join(' ', Enumerable.Range(0, Tokens).Select(i => "t" + i.ToString(CultureInfo.InvariantCulture)));
            var ramp = TimeSpan.FromSeconds(2);
            var streaming = 0;
            var allStreaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var clock = Stopwatch.StartNew();
            var tasks = new Task<StreamResult>[n];
            for (var i = 0; i < n; i++)
            {
                var due = ramp * i / n;
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, cancellationToken);
                }
                // The doomed replica's runs are long enough to be mid-way when it dies, however slow the machine.
                var tokens = i % 2 == 0 ? Tokens * 20 : Tokens;
                tasks[i] = client.StreamAsync((i % 2 == 0 ? doomed : survivor).Address, "run", SseClient.Body($"{prefix}-{i}", "r1", $"tokens:{tokens} delay:{DelayMs}"), cancellationToken,
                    onFirstContent: () =>
                    {
                        if (Interlocked.Increment(ref streaming) == n)
                        {
                            allStreaming.TrySetResult();
                        }
                    });
            }
            // Mid-traffic: every run has streamed part of its text (on a loaded machine that can take longer than the ramp).
            await allStreaming.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            var killedAt = clock.Elapsed;
            var killed = Stopwatch.StartNew();
            await doomed.KillAsync();
            var results = await Task.WhenAll(tasks);

            // The survivor's runs complete untouched; the dead replica's streams are cut (their client was on it).
            var survivorRuns = Enumerable.Range(0, n).Where(i => i % 2 == 1).ToList();
            var doomedRuns = Enumerable.Range(0, n).Where(i => i % 2 == 0).ToList();
            var survivorDone = survivorRuns.Count(i => results[i].Finished && results[i].Valid && results[i].Text == expectedText);
            var doomedCut = doomedRuns.Count(i => results[i].Cut);

            // Each dead run's thread, asked on the survivor (a connect closes an orphan once its lock has expired).
            var closedAfter = await Task.WhenAll(doomedRuns.Select(i => WaitClosedAsync(client, survivor, $"{prefix}-{i}", killed, lockTtl * 6, cancellationToken)));
            var closed = closedAfter.Count(t => t is not null);
            var slowest = closedAfter.Max(t => t ?? TimeSpan.MaxValue);

            // Every thread's history, replayed on the survivor.
            var histories = await Task.WhenAll(Enumerable.Range(0, n).Select(i => client.StreamAsync(survivor.Address, "connect", SseClient.Body($"{prefix}-{i}", "c9", ""), cancellationToken)));
            var intactFinished = histories.Count(h => h.Valid && h.LastType == "RUN_FINISHED" && h.Text == expectedText);
            var intactInterrupted = histories.Count(h => h.Valid && h.Interrupted);
            var broken = histories.Count(h => !h.Valid);
            foreach (var h in histories.Where(h => !h.Valid).Take(3))
            {
                Console.Error.WriteLine($"  invalid history: {h.Events} events, last {h.LastType} {h.LastCode}");
            }

            var passed = survivorDone == survivorRuns.Count && closed == doomedRuns.Count && slowest <= lockTtl * 2 + TimeSpan.FromSeconds(1)
                && broken == 0 && intactFinished + intactInterrupted == n;
            var report = new Report("Replica crash", passed);
            report.Details
                .Line("runs", $"{n}, half on each replica ({Tokens} tokens {DelayMs} ms apart on the survivor, {Tokens * 20} on the other); LockTtl {Text.S(lockTtl)}")
                .Line("SIGKILL of one replica", $"{Text.S(killedAt)} into the traffic, every run mid-way")
                .Line("survivor's runs complete and exact", Text.Ratio(survivorDone, survivorRuns.Count))
                .Line("dead replica's streams cut (client was on it)", Text.Ratio(doomedCut, doomedRuns.Count))
                .Line("dead replica's runs closed RUN_INTERRUPTED", $"{Text.Ratio(closed, doomedRuns.Count)}, the last {(closed == 0 ? "-" : Text.S(slowest))} after the kill (2 × LockTtl = {Text.S(lockTtl * 2)})")
                .Line("histories valid", $"{n - broken}/{n}: {intactFinished} finished with every token, {intactInterrupted} interrupted")
                .Line("redis-server", "no persistence, loopback");
            return report;
        }
        finally
        {
            await processes.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Connects until the thread's last run is closed as interrupted; the time since the kill, or null at the deadline.</summary>
    private static async Task<TimeSpan?> WaitClosedAsync(SseClient client, ApiNode survivor, string threadId, Stopwatch sinceKill, TimeSpan deadline, CancellationToken cancellationToken)
    {
        while (sinceKill.Elapsed < deadline)
        {
            var history = await client.StreamAsync(survivor.Address, "connect", SseClient.Body(threadId, "c1", ""), cancellationToken);
            if (history.Interrupted)
            {
                return sinceKill.Elapsed;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
        return null;
    }
}
