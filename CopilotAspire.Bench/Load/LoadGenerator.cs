using System.Diagnostics;
using System.Net;
using System.Text;

namespace CopilotAspire.Bench.Load;

/// <summary>One run's outcome as the client saw it.</summary>
public readonly record struct RunOutcome(bool Ok, int Events, double FirstEventMs, double TotalMs, string? Error);

/// <summary>What <see cref="LoadGenerator.RunAsync"/> measured at one concurrency.</summary>
public sealed record LoadResult(int Concurrency, int Runs, long Events, int Failures, string? FirstFailure, double Seconds,
    double[] FirstEventMs, double[] TotalMs, TimeSpan GeneratorCpu)
{
    public double RunsPerSecond => Runs / Seconds;

    public double EventsPerSecond => Events / Seconds;
}

/// <summary>
/// Closed-loop load: <c>C</c> workers each POST a run, read its SSE stream to the end (frames counted by
/// <see cref="SseCounter"/>, never parsed) and start the next, for a fixed time. Every run is checked: status 200,
/// the expected event count, <c>RUN_FINISHED</c> last.
/// </summary>
public sealed class LoadGenerator : IDisposable
{
    private readonly HttpClient _client;

    public LoadGenerator(Uri baseAddress)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = 4096,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        _client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(120) };
    }

    public static byte[] RunBody(string threadId, string text) => Encoding.UTF8.GetBytes(
        $$"""{"threadId":"{{threadId}}","runId":"r1","tools":[],"context":[],"forwardedProps":{},"messages":[{"id":"u-{{threadId}}","role":"user","content":"{{text}}"}]}""");

    public static byte[] ConnectBody(string threadId) => Encoding.UTF8.GetBytes(
        $$"""{"threadId":"{{threadId}}","runId":"c-{{Guid.NewGuid():N}}","tools":[],"context":[],"forwardedProps":{},"messages":[]}""");

    /// <summary>POSTs one SSE request and reads it to the end; <paramref name="expectedEvents"/> ≤ 0 accepts any count.</summary>
    public async Task<RunOutcome> SendAsync(string path, byte[] body, int expectedEvents, SseCounter counter, byte[] buffer, CancellationToken cancellationToken)
    {
        counter.Reset();
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                counter.Feed(buffer.AsSpan(0, read));
            }
            var end = Stopwatch.GetTimestamp();
            var first = counter.FirstEventTimestamp == 0 ? double.NaN : Stopwatch.GetElapsedTime(start, counter.FirstEventTimestamp).TotalMilliseconds;
            var total = Stopwatch.GetElapsedTime(start, end).TotalMilliseconds;
            string? error = response.StatusCode != HttpStatusCode.OK ? $"status {(int)response.StatusCode}"
                : expectedEvents > 0 && counter.Events != expectedEvents ? $"{counter.Events} events, expected {expectedEvents}"
                : !counter.LastWasRunFinished ? $"last of {counter.Events} events is not RUN_FINISHED"
                : null;
            return new RunOutcome(error is null, counter.Events, first, total, error);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new RunOutcome(false, counter.Events, double.NaN, Stopwatch.GetElapsedTime(start).TotalMilliseconds, ex.GetType().Name + ": " + ex.Message);
        }
    }

    /// <summary>
    /// <paramref name="concurrency"/> workers for <paramref name="duration"/> (runs started before the end are
    /// finished and counted); <paramref name="body"/> makes each request's body from (worker, sequence).
    /// </summary>
    public async Task<LoadResult> RunAsync(string path, int concurrency, TimeSpan duration, int expectedEvents, Func<int, int, byte[]> body, CancellationToken cancellationToken)
    {
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var outcomes = new List<RunOutcome>(256);
            var counter = new SseCounter();
            var buffer = new byte[32 * 1024];
            for (var seq = 0; Stopwatch.GetTimestamp() < deadline; seq++)
            {
                outcomes.Add(await SendAsync(path, body(w, seq), expectedEvents, counter, buffer, cancellationToken));
            }
            return outcomes;
        }, cancellationToken)).ToArray();
        var all = (await Task.WhenAll(workers)).SelectMany(o => o).ToList();
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        var ok = all.Where(o => o.Ok).ToList();
        var failed = all.Where(o => !o.Ok).ToList();
        return new LoadResult(concurrency, ok.Count, ok.Sum(o => (long)o.Events), failed.Count, failed.FirstOrDefault().Error, seconds,
            [.. ok.Select(o => o.FirstEventMs).Order()], [.. ok.Select(o => o.TotalMs).Order()], cpu);
    }

    public void Dispose() => _client.Dispose();
}
