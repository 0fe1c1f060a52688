using System.Globalization;
using System.Text;

namespace CopilotAspire.Bench;

/// <summary>The repeated figures: each round, the median and the spread ((max − min) / median).</summary>
public static partial class Report
{
    /// <summary>Goals of issue 21 for the whole app's path: the proxies add at most this much (ms).</summary>
    public const double AppPathP50GoalMs = 1, AppPathP99GoalMs = 5;

    private static void CeilingRows(StringBuilder md, BenchRunner runner, BenchOptions options)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var c in options.Concurrency)
        {
            var rounds = runner.CeilingRounds.Where(r => r.Concurrency == c).ToArray();
            if (rounds.Length == 0)
            {
                continue;
            }
            md.AppendLine();
            md.Append(inv, $"| ceiling, scripted, C={c} |");
            AppendRoundHeader(md, rounds.Length, "");
            RoundsRow(md, "bare Kestrel, flushed per frame: events/s", [.. rounds.Select(r => r.Flushed.Result.EventsPerSecond)], "N0");
            RoundsRow(md, "bare Kestrel, coalesced (one flush per run): events/s", [.. rounds.Select(r => r.Coalesced.Result.EventsPerSecond)], "N0");
            RoundsRow(md, "ours (in memory): events/s", [.. rounds.Select(r => r.Ours.Result.EventsPerSecond)], "N0");
            RoundsRow(md, "ours / flushed ceiling", [.. rounds.Select(r => r.Ours.Result.EventsPerSecond / r.Flushed.Result.EventsPerSecond)], "P0");
            RoundsRow(md, "**ours / coalesced ceiling**", [.. rounds.Select(r => r.Ours.Result.EventsPerSecond / r.Coalesced.Result.EventsPerSecond)], "P0");
            RoundsRow(md, "server CPU per run (µs): flushed", [.. rounds.Select(r => r.Flushed.ServerCpuMicrosecondsPerRun)], "N0");
            RoundsRow(md, "server CPU per run (µs): coalesced", [.. rounds.Select(r => r.Coalesced.ServerCpuMicrosecondsPerRun)], "N0");
            RoundsRow(md, "server CPU per run (µs): ours", [.. rounds.Select(r => r.Ours.ServerCpuMicrosecondsPerRun)], "N0");
        }
    }

    private static void AppPathRows(StringBuilder md, BenchRunner runner)
    {
        var rounds = runner.AppPaths;
        if (rounds.Count == 0)
        {
            return;
        }
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine();
        md.Append(inv, $"| whole app path: through the web host (YARP) vs straight to the Api, scripted, C={rounds[0].Concurrency} |");
        AppendRoundHeader(md, rounds.Count, " goal |");
        var p50 = rounds.Select(r => r.AddedFirstEventMs(50)).ToArray();
        var p99 = rounds.Select(r => r.AddedFirstEventMs(99)).ToArray();
        RoundsRow(md, "added: first event p50 (ms)", p50, "N2", $" ≤ {AppPathP50GoalMs:0} ms: {Verdict(p50, AppPathP50GoalMs)} |");
        RoundsRow(md, "added: first event p99 (ms)", p99, "N2", $" ≤ {AppPathP99GoalMs:0} ms: {Verdict(p99, AppPathP99GoalMs)} |");
        RoundsRow(md, "added: total time p50 (ms)", [.. rounds.Select(r => r.AddedTotalMs(50))], "N2", " |");
        RoundsRow(md, "added: total time p99 (ms)", [.. rounds.Select(r => r.AddedTotalMs(99))], "N2", " |");
        RoundsRow(md, "direct: first event p50 (ms)", [.. rounds.Select(r => Percentile(r.Direct.Result.FirstEventMs, 50))], "N2", " |");
        RoundsRow(md, "direct: first event p99 (ms)", [.. rounds.Select(r => Percentile(r.Direct.Result.FirstEventMs, 99))], "N2", " |");
        RoundsRow(md, "web host CPU per run (µs)", [.. rounds.Select(r => r.Proxied.ServerCpuMicrosecondsPerRun)], "N0", " |");
        RoundsRow(md, "Api CPU per run (µs), direct", [.. rounds.Select(r => r.Direct.ServerCpuMicrosecondsPerRun)], "N0", " |");
        RoundsRow(md, "Api CPU per run (µs), through the web host", [.. rounds.Select(r => r.UpstreamCpuPerProxiedRunMicroseconds)], "N0", " |");
        RoundsRow(md, "runs/s, direct", [.. rounds.Select(r => r.Direct.Result.RunsPerSecond)], "N0", " |");
        RoundsRow(md, "runs/s, through the web host", [.. rounds.Select(r => r.Proxied.Result.RunsPerSecond)], "N0", " |");
    }

    /// <summary>
    /// Met or missed by the median of the rounds; "unreliable" when a round added a negative time (the direct path
    /// slower than the one through two processes: the machine's load, not the proxy, moved that round).
    /// </summary>
    private static string Verdict(double[] added, double goalMs) =>
        added.Any(a => a < 0) ? "unreliable (a round came out negative: rerun on a quiet machine)" : Median(added) <= goalMs ? "met" : "MISSED";

    private static void AppendRoundHeader(StringBuilder md, int rounds, string extra)
    {
        for (var i = 1; i <= rounds; i++)
        {
            md.Append(CultureInfo.InvariantCulture, $" run {i} |");
        }
        md.AppendLine(" median | spread |" + extra);
        md.Append("|---|");
        md.Append(string.Concat(Enumerable.Repeat("---:|", rounds + 2)));
        md.AppendLine(extra.Length == 0 ? "" : "---|");
    }

    private static void RoundsRow(StringBuilder md, string label, double[] values, string format, string extra = "")
    {
        var median = Median(values);
        var spread = values.Length < 2 || median == 0 ? double.NaN : (values.Max() - values.Min()) / Math.Abs(median);
        md.Append(CultureInfo.InvariantCulture, $"| {label} |");
        foreach (var v in values)
        {
            md.Append(CultureInfo.InvariantCulture, $" {F(v, format)} |");
        }
        md.AppendLine(CultureInfo.InvariantCulture, $" {F(median, format)} | {F(spread, "P0")} |{extra}");
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The machine's load average (1, 5, 15 min) from <c>/proc/loadavg</c>: a busy machine makes rates noisy.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
