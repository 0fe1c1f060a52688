using System.Globalization;
using CopilotAspire.Soak;

// The soak tool (run it with eng/soak.sh): scenarios against real Api processes on loopback, each bounded in count
// and time; every process it starts is stopped by its pid when the scenario ends.
var options = SoakOptions.Parse(args);
Processes.ApiEnvironment = options.ApiEnvironment;
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

Console.WriteLine($"soak: {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at start; scenarios: {string.Join(", ", options.Scenarios)}");
var failed = 0;
foreach (var scenario in options.Scenarios)
{
    using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
    bounded.CancelAfter(TimeSpan.FromSeconds(options.HoldSeconds + 300));
    Report report;
    try
    {
        report = scenario switch
        {
            "held" => await HeldStreams.RunAsync(options, bounded.Token),
            "crash" => await ReplicaCrash.RunAsync(options, bounded.Token),
            "restart" => await RedisRestart.RunAsync(options, bounded.Token),
            _ => throw new ArgumentException($"Unknown scenario '{scenario}' (held, crash, restart)."),
        };
    }
    catch (OperationCanceledException) when (bounded.IsCancellationRequested)
    {
        report = new Report(scenario, false);
        report.Details.AppendLine("  stopped: it ran past its time bound (or Ctrl-C)");
    }
    Console.WriteLine(report);
    failed += report.Passed ? 0 : 1;
}
Console.WriteLine($"soak: load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end; {failed} scenario(s) failed");
return failed == 0 ? 0 : 1;

/// <summary>
/// The tool's arguments: <c>--api DLL [--scenario held,crash,restart] [--streams N] [--seconds S] [--runs N] [--lock-ttl S]
/// [--downtime S] [--held-runner memory|redis] [--api-env KEY=VALUE;KEY=VALUE]</c> (<c>--held-runner</c>: where the held
/// streams' threads are stored; <c>--api-env</c>: settings for every Api process, e.g. GC knobs to compare).
/// </summary>
internal sealed record SoakOptions(string ApiDll, string[] Scenarios, int Streams, int HoldSeconds, int Runs, int LockTtlSeconds, int DowntimeSeconds,
    string HeldRunner, IReadOnlyDictionary<string, string> ApiEnvironment)
{
    public static SoakOptions Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        }
        int Number(string name, int fallback, int max) =>
            Math.Clamp(int.Parse(Value(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture), 1, max);

        var api = Path.GetFullPath(Value("--api", ""));
        if (!File.Exists(api))
        {
            throw new ArgumentException("--api must name the built CopilotAspire.Api.dll (eng/soak.sh builds it).");
        }
        return new SoakOptions(
            api,
            Value("--scenario", "held,crash,restart").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Number("--streams", 10_000, 15_000),
            Number("--seconds", 60, 600),
            Number("--runs", 200, 1_000),
            Number("--lock-ttl", 5, 60),
            Number("--downtime", 2, 30),
            Value("--held-runner", "memory") is "memory" or "redis" ? Value("--held-runner", "memory") : throw new ArgumentException("--held-runner must be memory or redis."),
            Value("--api-env", "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(pair => pair.Split('=', 2))
                .ToDictionary(pair => pair[0], pair => pair.Length == 2 ? pair[1] : throw new ArgumentException($"--api-env: '{pair[0]}' has no '=VALUE'.")));
    }
}
