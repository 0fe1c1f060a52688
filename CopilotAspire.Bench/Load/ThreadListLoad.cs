using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CopilotAspire.Bench.Servers;

namespace CopilotAspire.Bench.Load;

/// <summary>The thread-list row: pages of <c>GET /threads</c> over a scope holding <see cref="Threads"/> threads on Redis.</summary>
public sealed record ThreadListFigure(int Threads, int Concurrency, int PageSize, int Pages, double Seconds, double[] PageMs, int Failures, string? FirstFailure)
{
    public double PagesPerSecond => Pages / Seconds;

    /// <summary>CPU time per page of the Api and of redis-server: steadier than latencies on a shared machine.</summary>
    public (double ApiMicroseconds, double RedisMicroseconds) CpuPerPage { get; init; }

    /// <summary>Which build served the pages: <c>ours</c> or <c>baseline</c> (<c>--baseline</c>).</summary>
    public string Server { get; init; } = "ours";

    /// <summary>The A/B round (1 without a baseline).</summary>
    public int Round { get; init; } = 1;
}

/// <summary>
/// Seeds one scope (the unscoped namespace of the Api's default key prefix <c>copilot:</c>) with N threads of the
/// <c>scripted</c> agent, written straight into Redis in the documented layout (wire spec §20.9: each thread's
/// <c>meta</c> hash, the scope's <c>live:scripted</c> sorted set) through <c>redis-cli --pipe</c>, since running 100,000
/// agent runs first would only measure runs. Then C workers each walk the list page by page (following
/// <c>nextCursor</c>, from the top again at its end) for a fixed time; every page is checked: 200, a full page (or the
/// last), ids strictly after the previous page's.
/// </summary>
public static class ThreadListLoad
{
    public static async Task SeedAsync(RedisServer redis, int count, CancellationToken cancellationToken)
    {
        var resp = new MemoryStream();
        void Command(params string[] args)
        {
            var head = Encoding.ASCII.GetBytes($"*{args.Length}\r\n");
            resp.Write(head);
            foreach (var arg in args)
            {
                var bytes = Encoding.UTF8.GetBytes(arg);
                resp.Write(Encoding.ASCII.GetBytes($"${bytes.Length}\r\n"));
                resp.Write(bytes);
                resp.Write("\r\n"u8);
            }
        }
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - count;
        for (var i = 0; i < count; i++)
        {
            var id = "bench-" + i.ToString("D6", CultureInfo.InvariantCulture);
            var ms = (start + i).ToString(CultureInfo.InvariantCulture);
            Command("HSET", $"copilot:{{t:{id}}}:meta", "agentId", "scripted", "archived", "0", "createdAt", ms, "updatedAt", ms);
            Command("ZADD", "copilot:{i}:live:scripted", ms, id);
            Command("HSET", "copilot:{i}:records", id, "1|" + ms); // its list record (a build without records ignores it)
        }
        Command("SADD", "copilot:{i}:agents", "scripted");
        var info = new ProcessStartInfo("redis-cli") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-p", redis.Port.ToString(CultureInfo.InvariantCulture), "--pipe" })
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("redis-cli did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        resp.Position = 0;
        await resp.CopyToAsync(process.StandardInput.BaseStream, cancellationToken);
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
        var text = await output;
        if (process.ExitCode != 0 || !text.Contains("errors: 0", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Seeding the thread index failed: " + text);
        }
    }

    /// <param name="cpu">The CPU time used so far by the Api and by redis-server.</param>
    public static async Task<ThreadListFigure> MeasureAsync(Uri baseAddress, string basePath, int threads, int concurrency, int pageSize, TimeSpan warmup, TimeSpan duration,
        Func<(TimeSpan Api, TimeSpan Redis)> cpu, CancellationToken cancellationToken)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.None, MaxConnectionsPerServer = 1024 })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        await RunAsync(client, basePath, concurrency, pageSize, warmup, new List<double>(), cancellationToken);
        var times = new List<double>();
        var before = cpu();
        var stopwatch = Stopwatch.StartNew();
        var (failures, first) = await RunAsync(client, basePath, concurrency, pageSize, duration, times, cancellationToken);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var after = cpu();
        var sorted = times.ToArray();
        Array.Sort(sorted);
        return new ThreadListFigure(threads, concurrency, pageSize, sorted.Length, seconds, sorted, failures, first)
        {
            CpuPerPage = ((after.Api - before.Api).TotalMicroseconds / Math.Max(1, sorted.Length), (after.Redis - before.Redis).TotalMicroseconds / Math.Max(1, sorted.Length)),
        };
    }

    private static async Task<(int Failures, string? First)> RunAsync(HttpClient client, string basePath, int concurrency, int pageSize, TimeSpan duration, List<double> times, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var failures = 0;
        string? firstFailure = null;
        var gate = new Lock();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            string? cursor = null;
            string? lastId = null;
            var local = new List<double>();
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var path = $"{basePath}/threads?agentId=scripted&limit={pageSize}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
                var started = Stopwatch.GetTimestamp();
                string? error = null;
                try
                {
                    using var response = await client.GetAsync(path, cancellationToken);
                    var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    local.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        error = $"HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}";
                    }
                    else
                    {
                        using var doc = JsonDocument.Parse(body);
                        var page = doc.RootElement.GetProperty("threads");
                        var next = doc.RootElement.GetProperty("nextCursor");
                        var ids = page.EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToList();
                        // The seeded ids grow with their update time: a page lists them in descending order.
                        if ((next.ValueKind == JsonValueKind.String && ids.Count != pageSize) || ids.Count == 0
                            || (lastId is not null && string.CompareOrdinal(ids[0], lastId) >= 0))
                        {
                            error = $"a wrong page after {lastId}: {ids.Count} threads";
                        }
                        cursor = next.ValueKind == JsonValueKind.String ? next.GetString() : null;
                        lastId = cursor is null ? null : ids[^1];
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    error = ex.Message;
                }
                if (error is not null)
                {
                    lock (gate)
                    {
                        failures++;
                        firstFailure ??= error;
                    }
                    cursor = lastId = null;
                }
            }
            lock (gate)
            {
                times.AddRange(local);
            }
        }));
        return (failures, firstFailure);
    }
}
