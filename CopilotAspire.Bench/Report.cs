using System.Globalization;
using System.Text;

namespace CopilotAspire.Bench;

/// <summary>The Markdown tables: ours beside the official runtime (ratio per row), then ours beside its ceilings.</summary>
public static partial class Report
{
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static string Markdown(BenchRunner runner, BenchOptions options, DateTimeOffset when, string? loadAtStart = null)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"Measured {when:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores ({Machine()}), loopback; " +
            $"{options.Tokens} tokens per run, {options.Duration.TotalSeconds:0.#} s per figure after {options.Warmup.TotalSeconds:0.#} s of warm-up, a fresh server per row; load average {loadAtStart ?? "–"} at the start, {LoadAverage()} at the end.");
        md.AppendLine();
        if (!options.ProxyOnly && !options.AppPathOnly && !options.CeilingOnly)
        {
            AllRows(md, runner, options);
        }
        CeilingRows(md, runner, options);
        AppPathRows(md, runner);
        foreach (var proxy in runner.Proxies)
        {
            md.AppendLine();
            md.AppendLine(inv, $"| remote agent (`HttpAgent`), scripted, C={proxy.Concurrency} | remote called directly | through our proxy | added |");
            md.AppendLine("|---|---:|---:|---:|");
            foreach (var p in new[] { 50.0, 99.0 })
            {
                var direct = Percentile(proxy.Direct.Result.FirstEventMs, p);
                var proxied = Percentile(proxy.Proxied.Result.FirstEventMs, p);
                md.AppendLine(inv, $"| first event p{p:0} (ms) | {F(direct, "N2")} | {F(proxied, "N2")} | {F(proxied - direct, "N2")} |");
            }
            md.AppendLine(inv, $"| total time p50 (ms) | {F(Percentile(proxy.Direct.Result.TotalMs, 50), "N2")} | {F(Percentile(proxy.Proxied.Result.TotalMs, 50), "N2")} | {F(Percentile(proxy.Proxied.Result.TotalMs, 50) - Percentile(proxy.Direct.Result.TotalMs, 50), "N2")} |");
            md.AppendLine(inv, $"| runs/s | {F(proxy.Direct.Result.RunsPerSecond, "N0")} | {F(proxy.Proxied.Result.RunsPerSecond, "N0")} | |");
            md.AppendLine(inv, $"| warm-up before the figure (s) | {options.ProxyWarmup.TotalSeconds:0.#} | {options.ProxyWarmup.TotalSeconds:0.#} | |");
            md.AppendLine(inv, $"| our CPU per run (µs): the remote's in-process scripted run / the proxy's | {F(proxy.Direct.ServerCpuMicrosecondsPerRun, "N0")} | {F(proxy.Proxied.ServerCpuMicrosecondsPerRun, "N0")} | {Ratio(proxy.Proxied.ServerCpuMicrosecondsPerRun, proxy.Direct.ServerCpuMicrosecondsPerRun, "0.000")}× |");
        }
        if (runner.Loads.Exists(l => l.Server == ServerKind.Baseline))
        {
            md.AppendLine();
            md.AppendLine("| A/B: figure | baseline | ours | ours / baseline |");
            md.AppendLine("|---|---:|---:|---:|");
            CompareRows(md, runner, options, ServerKind.Baseline);
        }
        LoadFigure[] all = [.. runner.Loads, .. runner.CeilingRounds.SelectMany(r => new[] { r.Ours, r.Flushed, r.Coalesced }),
            .. runner.Proxies.Concat(runner.AppPaths).SelectMany(p => new[] { p.Direct, p.Proxied })];
        var share = all.Length == 0 ? double.NaN : all.Max(l => l.GeneratorShare);
        md.AppendLine();
        md.AppendLine(inv, $"Load generator (C#, SSE frames counted, never parsed): at most {F(share, "P0")} of the CPU it and the server used in any row. " +
            $"Every run checked (200, the full event count, `RUN_FINISHED` last): {(runner.Failures.Count == 0 ? "all correct" : $"{runner.Failures.Count} FAILURES")}.");
        return md.ToString();
    }

    /// <summary>Ours beside the official runtime, the Redis runner and the ceiling (all but the proxy row).</summary>
    private static void AllRows(StringBuilder md, BenchRunner runner, BenchOptions options)
    {
        var inv = CultureInfo.InvariantCulture;
        // Each table is printed when its rows were measured (the --*-only options decide what is measured, not what is printed).
        if (runner.Loads.Exists(l => l.Server == ServerKind.Official))
        {
            md.AppendLine("| figure | official (Node) | CopilotAspire | ours / official |");
            md.AppendLine("|---|---:|---:|---:|");
            CompareRows(md, runner, options, ServerKind.Official);
            Row(md, "start-up to first answer (ms, median)", Median(runner, ServerKind.Official), Median(runner, ServerKind.Ours), "N0");
            md.AppendLine();
        }

        if (runner.Loads.Exists(l => l.Agent == "scripted" && l.Server is ServerKind.Ours or ServerKind.OursRedis))
        {
            md.AppendLine("| scripted, C | in-memory runs/s | Redis runs/s | Redis / in-memory |");
            md.AppendLine("|---|---:|---:|---:|");
            foreach (var c in options.Concurrency)
            {
                var ours = Find(runner, ServerKind.Ours, "scripted", c)?.Result;
                var redis = Find(runner, ServerKind.OursRedis, "scripted", c)?.Result;
                md.AppendLine(inv, $"| {c} | {F(ours?.RunsPerSecond, "N0")} | {F(redis?.RunsPerSecond, "N0")} | {Ratio(redis?.RunsPerSecond, ours?.RunsPerSecond, "P0")} |");
            }
        }
        if (runner.Loads.Find(l => l.RedisPerRun is not null) is { RedisPerRun: { } perRun })
        {
            md.AppendLine(inv, $"\nRedis runner: {perRun.Commands:N2} Redis commands per run ({perRun.Scripts:N2} Lua scripts), {options.Tokens + 4} events per run.");
            if (runner.Loads.Find(l => l.Server == ServerKind.BaselineRedis && l.RedisPerRun is not null) is { RedisPerRun: { } basePerRun })
            {
                md.AppendLine(inv, $"Baseline build's Redis runner: {basePerRun.Commands:N2} Redis commands per run ({basePerRun.Scripts:N2} Lua scripts).");
            }
            md.AppendLine("\n| scripted, C | redis-server CPU per run (µs) | commandstats µs per run: scripts / other commands | our CPU per run, in-memory (µs) | our CPU per run, Redis (µs) | Redis / in-memory |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|");
            // In the order measured, each Redis row beside the in-memory row measured just before it (a repeated C is a repeat).
            LoadFigure? inMemory = null;
            foreach (var load in runner.Loads.Where(l => l.Agent == "scripted"))
            {
                if (load.Server == ServerKind.Ours)
                {
                    inMemory = load;
                }
                else if (load.RedisPerRun is { } r)
                {
                    var label = load.Server == ServerKind.BaselineRedis ? " (baseline build)" : "";
                    md.AppendLine(inv, $"| {load.Result.Concurrency}{label} | {r.CpuMicroseconds:N1} | {r.ScriptUsec:N1} / {r.OtherUsec:N1} | {F(inMemory?.ServerCpuMicrosecondsPerRun, "N0")} | " +
                        $"{load.ServerCpuMicrosecondsPerRun:N0} | {Ratio(load.ServerCpuMicrosecondsPerRun, inMemory?.ServerCpuMicrosecondsPerRun, "0.00")}× |");
                }
            }
            md.AppendLine("\n(redis-server CPU is its process's user + system time; commandstats counts a script's inner commands in both columns.)");
        }
        foreach (var size in options.ReplaySizes)
        {
            var redis = runner.Replays.Find(r => r.Server == ServerKind.OursRedis && r.Size == size);
            if (redis is not null)
            {
                md.AppendLine(inv, $"\nRedis runner `connect` replay of {redis.Events} stored events: p50 {F(redis.P50Ms, "N2")} ms.");
            }
        }
        foreach (var list in runner.ThreadLists)
        {
            var p99 = Percentile(list.PageMs, 99);
            var who = runner.ThreadLists.Any(l => l.Server != "ours") ? $" [{list.Server}, round {list.Round}]" : "";
            md.AppendLine(inv, $"\nThread list{who} (Redis, {list.Threads:N0} threads in one scope, pages of {list.PageSize} following the cursor, C={list.Concurrency}): {F(list.PagesPerSecond, "N0")} pages/s, page p50 {F(Percentile(list.PageMs, 50), "N2")} ms, p99 {F(p99, "N2")} ms (target ≤ 5 ms: {(p99 <= 5 ? "met" : "MISSED")}); CPU per page: Api {F(list.CpuPerPage.ApiMicroseconds, "N0")} µs, redis-server {F(list.CpuPerPage.RedisMicroseconds, "N0")} µs. No official figure: its local list has no paging and its store keeps at most 1,000 threads.");
        }
    }

    /// <summary>The load and replay rows of <paramref name="other"/> beside ours.</summary>
    private static void CompareRows(StringBuilder md, BenchRunner runner, BenchOptions options, ServerKind other)
    {
        foreach (var agent in new[] { "scripted", "default" })
        {
            foreach (var c in options.Concurrency)
            {
                var them = Find(runner, other, agent, c);
                var ours = Find(runner, ServerKind.Ours, agent, c);
                Row(md, $"{agent}: runs/s, C={c}", them?.Result.RunsPerSecond, ours?.Result.RunsPerSecond, "N0");
                Row(md, $"{agent}: events/s, C={c}", them?.Result.EventsPerSecond, ours?.Result.EventsPerSecond, "N0");
                Row(md, $"{agent}: first event p50 / p99 (ms), C={c}", P(them, 50, first: true), P(ours, 50, first: true), "N2", P(them, 99, first: true), P(ours, 99, first: true));
                Row(md, $"{agent}: total time p50 / p99 (ms), C={c}", P(them, 50), P(ours, 50), "N2", P(them, 99), P(ours, 99));
                Row(md, $"{agent}: server CPU per run (µs), C={c}", them?.ServerCpuMicrosecondsPerRun, ours?.ServerCpuMicrosecondsPerRun, "N0");
                Row(md, $"{agent}: server RSS start / peak (MiB), C={c}", Mib(them?.RssStart), Mib(ours?.RssStart), "N0", Mib(them?.RssPeak), Mib(ours?.RssPeak));
            }
        }
        foreach (var size in options.ReplaySizes)
        {
            var them = runner.Replays.Find(r => r.Server == other && r.Size == size);
            var ours = runner.Replays.Find(r => r.Server == ServerKind.Ours && r.Size == size);
            Row(md, $"`connect` replay of {ours?.Events ?? size} stored events, p50 (ms)", them?.P50Ms, ours?.P50Ms, "N2");
            Row(md, $"`connect` replay of {ours?.Events ?? size} stored events, server CPU (ms)", them?.CpuMsPerReplay, ours?.CpuMsPerReplay, "N2");
        }
    }

    private static LoadFigure? Find(BenchRunner runner, ServerKind kind, string agent, int c) =>
        runner.Loads.Find(l => l.Server == kind && l.Agent == agent && l.Result.Concurrency == c);

    private static double? P(LoadFigure? figure, double p, bool first = false) =>
        figure is null ? null : Percentile(first ? figure.Result.FirstEventMs : figure.Result.TotalMs, p);

    private static double? Mib(long? bytes) => bytes / 1048576.0;

    private static double? Median(BenchRunner runner, ServerKind kind)
    {
        var starts = runner.Loads.Where(l => l.Server == kind).Select(l => l.StartupMs).Order().ToArray();
        return starts.Length == 0 ? null : starts[starts.Length / 2];
    }

    private static void Row(StringBuilder md, string figure, double? official, double? ours, string format, double? official2 = null, double? ours2 = null)
    {
        var inv = CultureInfo.InvariantCulture;
        if (official2 is null && ours2 is null)
        {
            md.AppendLine(inv, $"| {figure} | {F(official, format)} | {F(ours, format)} | {Ratio(ours, official, "0.000")}× |");
        }
        else
        {
            md.AppendLine(inv, $"| {figure} | {F(official, format)} / {F(official2, format)} | {F(ours, format)} / {F(ours2, format)} | " +
                $"{Ratio(ours, official, "0.000")}× / {Ratio(ours2, official2, "0.000")}× |");
        }
    }

    private static string F(double? value, string format) =>
        value is { } v && !double.IsNaN(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static string Ratio(double? a, double? b, string format) =>
        a is { } x && b is { } y && y > 0 && !double.IsNaN(x) ? (x / y).ToString(format, CultureInfo.InvariantCulture) : "–";

    private static string Machine()
    {
        try
        {
            var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return model?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}
