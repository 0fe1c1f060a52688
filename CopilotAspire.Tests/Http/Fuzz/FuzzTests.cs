using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using CopilotAspire.Tests.Infrastructure;
using CopilotAspire.Tests.Transcription;
using Microsoft.Extensions.Hosting;

namespace CopilotAspire.Tests.Http.Fuzz;

/// <summary>
/// Generated malformed requests against every route of both transports (see <see cref="RequestFuzzer"/>): never a
/// 5xx, never a hang, the server healthy afterwards, and stored threads unchanged by the requests it rejected. The
/// seed is printed; set <c>COPILOT_FUZZ_SEED</c> to replay a run and <c>COPILOT_FUZZ_COUNT</c> for more requests.
/// </summary>
[Kind(TestKind.Process)]
public sealed class FuzzTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const int MaxRequestBodyBytes = 256 * 1024;

    private static readonly TimeSpan PerRequestTimeout = TimeSpan.FromSeconds(20);
    private static readonly string[] SnapshotThreads = ["fuzz-keep-1", "fuzz-keep-2", "fuzz-keep-3"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("COPILOT_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
        ? seed : Random.Shared.Next();

    private static int Count => int.TryParse(Environment.GetEnvironmentVariable("COPILOT_FUZZ_COUNT"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count)
        ? count : 3000;

    [Theory(Timeout = 300_000)]
    [InlineData("InMemory")]
    [InlineData("Redis")]
    public async Task Malformed_requests_never_give_a_5xx_or_hang_and_change_no_stored_thread(string runner)
    {
        var seed = Seed;
        TestContext.Current.TestOutputHelper?.WriteLine($"Fuzz seed {seed} ({runner}): replay with COPILOT_FUZZ_SEED={seed}");
        await using var host = await StartAsync(runner);
        await FuzzAsync(host, new RequestFuzzer(seed, SnapshotThreads).Generate(Count, transcribe: false), seed);
    }

    /// <summary>
    /// <c>/transcribe</c> (multipart and base64 JSON): bodies that claim multipart but are not one (no parts, a truncated
    /// part, odd boundaries), broken base64 JSON, random bytes.
    /// </summary>
    [Fact(Timeout = 300_000)]
    public async Task Malformed_transcribe_requests_never_give_a_5xx_or_hang()
    {
        var seed = Seed;
        TestContext.Current.TestOutputHelper?.WriteLine($"Fuzz seed {seed} (transcribe): replay with COPILOT_FUZZ_SEED={seed}");
        await using var host = await StartAsync("InMemory");
        await FuzzAsync(host, new RequestFuzzer(seed, SnapshotThreads).Generate(Math.Max(200, Count / 4), transcribe: true), seed);
    }

    private Task<RuntimeTestHost> StartAsync(string runner) => RuntimeTestHost.StartAsync(
        runtime =>
        {
            runtime.WithTranscriptionService(new RecordingTranscriptionService());
            if (runner == "Redis")
            {
                runtime.Host.AddRedisAgentRunner(configure: o => o.KeyPrefix = "fuzz-" + Guid.NewGuid().ToString("N")[..8] + ":");
            }
        },
        new Dictionary<string, string?>
        {
            ["CopilotRuntime:MaxRequestBodyBytes"] = MaxRequestBodyBytes.ToString(CultureInfo.InvariantCulture),
            ["CopilotRuntime:Transcription:MaxBytes"] = "65536",
            ["ConnectionStrings:redis"] = redis.ConnectionString,
        });

    private static async Task FuzzAsync(RuntimeTestHost host, IEnumerable<FuzzRequest> requests, int seed)
    {
        var before = new Dictionary<string, string>();
        foreach (var thread in SnapshotThreads)
        {
            var (response, _) = await host.PostSseAsync("/api/copilotkit/agent/scripted/run", RuntimeTestHost.Input(thread, thread + "-r", $$"""[{"id":"{{thread}}-u","role":"user","content":"keep {{thread}}"}]"""), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            before[thread] = await ReplayAsync(host, thread);
        }

        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var accepted = new ConcurrentDictionary<string, int>(); // 2xx requests per snapshot thread they named
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (request, ct) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(PerRequestTimeout);
            try
            {
                using var message = request.ToMessage();
                using var response = await host.Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var status = (int)response.StatusCode;
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status >= 500)
                {
                    failures.Enqueue($"{status} for {request}: {await response.Content.ReadAsStringAsync(timeout.Token)}");
                }
                else if (status >= 400 && request.Method != "HEAD" && IsRuntimePath(message.RequestUri!) && response.Content.Headers.ContentType?.MediaType != "application/json")
                {
                    failures.Enqueue($"{status} without the JSON error body for {request}");
                }
                else if (status < 300 && NamedThread(request) is { } thread && SnapshotThreads.Contains(thread))
                {
                    accepted.AddOrUpdate(thread, 1, (_, n) => n + 1);
                }
                // An SSE body is dropped unread: the client goes away mid-stream, which must be fine too.
            }
            catch (HttpRequestException) when (request.Body?.Length > MaxRequestBodyBytes)
            {
                // Refused by its Content-Length before it was read (413): the server may close while it still uploads.
                statuses.AddOrUpdate(0, 1, (_, n) => n + 1);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                failures.Enqueue($"no answer within {PerRequestTimeout.TotalSeconds} s for {request}");
            }
        });
        TestContext.Current.TestOutputHelper?.WriteLine("Statuses: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        Assert.True(failures.IsEmpty, $"Seed {seed}: {failures.Count} failures; the first:\n" + string.Join("\n", failures.Take(20)));

        // Healthy afterwards.
        var info = await host.Client.GetAsync("api/copilotkit/info", Ct);
        Assert.Equal(HttpStatusCode.OK, info.StatusCode);
        var (_, frames) = await host.PostSseAsync("/api/copilotkit/agent/scripted/run", RuntimeTestHost.Input("fuzz-after", "after"), Ct);
        Assert.Equal("RUN_FINISHED", frames.Types()[^1]);

        // Stored threads: nothing lost or changed; runs were added only by requests that were accepted.
        foreach (var thread in SnapshotThreads)
        {
            var after = await ReplayAsync(host, thread);
            Assert.StartsWith(before[thread], after, StringComparison.Ordinal);
            var added = CountRuns(after) - CountRuns(before[thread]);
            Assert.True(added <= accepted.GetValueOrDefault(thread), $"Seed {seed}: {added} runs were added to {thread} by {accepted.GetValueOrDefault(thread)} accepted requests");
        }
    }

    /// <summary>
    /// Whether the runtime answers this path (so with its JSON errors): under one of its base paths, once the client has
    /// normalized it, and without an encoded NUL (Kestrel refuses those itself with a bare 400).
    /// </summary>
    private static bool IsRuntimePath(Uri uri)
    {
        var path = uri.AbsolutePath;
        return !path.Contains("%00", StringComparison.Ordinal)
            && new[] { RequestFuzzer.Rest, RequestFuzzer.Single }.Any(b => path == b || path.StartsWith(b + "/", StringComparison.Ordinal));
    }

    private static async Task<string> ReplayAsync(RuntimeTestHost host, string thread)
    {
        var response = await host.PostAsync("/api/copilotkit/agent/scripted/connect", RuntimeTestHost.Input(thread, "snapshot"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    private static int CountRuns(string sse) => sse.Split("\"type\":\"RUN_STARTED\"").Length - 1;

    /// <summary>The thread id a request's JSON body names (a run/connect input, or an envelope's body or params).</summary>
    private static string? NamedThread(FuzzRequest request)
    {
        try
        {
            using var doc = JsonDocument.Parse(request.Body ?? []);
            var root = doc.RootElement;
            foreach (var candidate in new[] { root, Property(root, "body"), Property(root, "params") })
            {
                if (Property(candidate, "threadId") is { ValueKind: JsonValueKind.String } id)
                {
                    return id.GetString();
                }
            }
            return SnapshotThreads.FirstOrDefault(t => request.Path.Contains(t, StringComparison.Ordinal));
        }
        catch (JsonException)
        {
            return SnapshotThreads.FirstOrDefault(t => request.Path.Contains(t, StringComparison.Ordinal));
        }
    }

    private static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;
}
