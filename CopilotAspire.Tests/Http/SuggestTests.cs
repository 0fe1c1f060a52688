using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace CopilotAspire.Tests.Http;

/// <summary>
/// <c>POST agent/{id}/suggest</c> (wire spec §21) on both runners and both transports: the agent's events stream back
/// as a run's do, but the run bypasses the runner (no thread is left behind, nothing to connect to, no lock taken),
/// only the allowed headers reach the agent, and a client that goes away cancels the agent.
/// </summary>
[Kind(TestKind.Process)]
public sealed class SuggestTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string B = RuntimeTestHost.BasePath;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The headers each suggestion run's agent was given, by thread id.</summary>
    private readonly ConcurrentDictionary<string, IDictionary<string, string>> _headers = new();

    /// <summary>Set when a suggestion agent's work was cancelled, by thread id.</summary>
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _cancelled = new();

    private readonly string _keyPrefix = "suggest-" + Guid.NewGuid().ToString("N")[..8] + ":";

    private Task<RuntimeTestHost> StartAsync(string runner) => RuntimeTestHost.StartAsync(
        runtime =>
        {
            runtime.AddAgent("recorder", new DelegateAgent(Recorder));
            runtime.AddAgent("endless", new DelegateAgent(Endless));
            if (runner == "Redis")
            {
                runtime.Host.AddRedisAgentRunner(configure: o => o.KeyPrefix = _keyPrefix);
            }
        },
        new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redis.ConnectionString });

    private async IAsyncEnumerable<AgUiEvent> Recorder(DelegateAgent self, RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        _headers[input.ThreadId] = new Dictionary<string, string>(self.Headers);
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        yield return new ToolCallStartEvent { ToolCallId = "s1", ToolCallName = "copilotkitSuggest" };
        yield return new ToolCallArgsEvent { ToolCallId = "s1", Delta = """{"suggestions":[{"title":"Tell me more","message":"Tell me more"}]}""" };
        yield return new ToolCallEndEvent { ToolCallId = "s1" };
        await Task.Yield();
        yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
    }

    /// <summary>Starts, then waits for its cancellation, which it reports.</summary>
    private async IAsyncEnumerable<AgUiEvent> Endless(DelegateAgent self, RunAgentInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        var cancelled = _cancelled.GetOrAdd(input.ThreadId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        using var registration = ct.Register(() => cancelled.TrySetResult());
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        yield return new TextMessageStartEvent { MessageId = "e1", Role = "assistant" };
        yield return new TextMessageContentEvent { MessageId = "e1", Delta = "thinking of suggestions" };
        await Task.Delay(Timeout.Infinite, ct);
        yield break;
    }

    private static async Task<(HttpResponseMessage Response, List<SseFrame> Frames)> SuggestAsync(RuntimeTestHost host, string transport, string agentId, string input, CancellationToken ct)
    {
        if (transport == "rest")
        {
            return await host.PostSseAsync($"{B}/agent/{agentId}/suggest", input, ct);
        }
        return await host.PostSseAsync(RuntimeTestHost.SinglePath, $$"""{"method":"agent/suggest","params":{"agentId":"{{agentId}}"},"body":{{input}}}""", ct);
    }

    private async Task<string[]> RedisKeysAsync()
    {
        await using var connection = await redis.ConnectAsync();
        var server = connection.GetServers().Single();
        var keys = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: _keyPrefix + "*"))
        {
            keys.Add(key.ToString());
        }
        return [.. keys.Order(StringComparer.Ordinal)];
    }

    [Theory(Timeout = 60_000)]
    [InlineData("InMemory", "rest")]
    [InlineData("InMemory", "single")]
    [InlineData("Redis", "rest")]
    [InlineData("Redis", "single")]
    public async Task A_suggestion_streams_the_agents_events_and_leaves_no_thread_behind(string runner, string transport)
    {
        await using var host = await StartAsync(runner);
        var thread = $"suggest-{runner}-{transport}";
        var keysBefore = runner == "Redis" ? await RedisKeysAsync() : [];

        var (response, frames) = await SuggestAsync(host, transport, "recorder", RuntimeTestHost.Input(thread, "r1"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["RUN_STARTED", "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_END", "RUN_FINISHED"], frames.Types());
        Assert.Equal("copilotkitSuggest", (string?)frames.Events()[1]["toolCallName"]);

        // Nothing was stored: connect replays nothing, the thread is not busy, and Redis holds no new key.
        var (_, replay) = await host.PostSseAsync($"{B}/agent/recorder/connect", RuntimeTestHost.Input(thread, "c1"), Ct);
        Assert.Empty(replay.Types());
        using var stop = await host.PostAsync($"{B}/agent/recorder/stop/{thread}", "{}", Ct);
        Assert.False((bool)JsonNode.Parse(await stop.Content.ReadAsStringAsync(Ct))!["stopped"]!);
        if (runner == "Redis")
        {
            Assert.Equal(keysBefore, await RedisKeysAsync());
        }

        // The thread is free: a real run on it starts from scratch (all of its input messages are new).
        var (_, run) = await host.PostSseAsync($"{B}/agent/recorder/run", RuntimeTestHost.Input(thread, "r2"), Ct);
        Assert.Equal("RUN_STARTED", run.Types()[0]);
        Assert.Single(run.Events()[0]["input"]!["messages"]!.AsArray());
    }

    [Fact(Timeout = 60_000)]
    public async Task Only_the_allowed_headers_reach_the_agent()
    {
        await using var host = await StartAsync("InMemory");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{B}/agent/recorder/suggest".TrimStart('/')) { Content = RuntimeTestHost.Json(RuntimeTestHost.Input("headers", "r1")) };
        request.Headers.Add("Authorization", "Bearer user-token");
        request.Headers.Add("X-Tenant", "acme");
        request.Headers.Add("X-Forwarded-For", "10.0.0.1");
        request.Headers.Add("Cookie", "session=secret");
        using var response = await host.Client.SendAsync(request, Ct);
        await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headers = _headers["headers"];
        Assert.Equal("Bearer user-token", headers["authorization"]);
        Assert.Equal("acme", headers["x-tenant"]);
        Assert.False(headers.ContainsKey("x-forwarded-for"));
        Assert.False(headers.ContainsKey("cookie"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("InMemory")]
    [InlineData("Redis")]
    public async Task A_client_that_goes_away_cancels_the_agent(string runner)
    {
        await using var host = await StartAsync(runner);
        var thread = $"suggest-abort-{runner}";
        var cancelled = _cancelled.GetOrAdd(thread, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        using (var abort = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            var response = await host.PostAsync($"{B}/agent/endless/suggest", RuntimeTestHost.Input(thread, "r1"), abort.Token, HttpCompletionOption.ResponseHeadersRead);
            await using var stream = await response.Content.ReadAsStreamAsync(abort.Token);
            await foreach (var frame in Sse.ReadFramesAsync(stream, abort.Token))
            {
                if (frame.Data is not null && frame.Type == "TEXT_MESSAGE_CONTENT")
                {
                    break;
                }
            }
            await abort.CancelAsync(); // the client goes away mid-stream
            response.Dispose();
        }

        await cancelled.Task.WaitAsync(Ct); // the agent's token was cancelled: its work does not outlive the request
        var (_, replay) = await host.PostSseAsync($"{B}/agent/endless/connect", RuntimeTestHost.Input(thread, "c1"), Ct);
        Assert.Empty(replay.Types());
    }

    [Theory(Timeout = 30_000)]
    [InlineData("rest")]
    [InlineData("single")]
    public async Task Bad_requests_are_answered_like_a_runs(string transport)
    {
        await using var host = await StartAsync("InMemory");

        Task<HttpResponseMessage> PostAsync(string agentId, string input) => transport == "rest"
            ? host.PostAsync($"{B}/agent/{agentId}/suggest", input, Ct)
            : host.PostAsync(RuntimeTestHost.SinglePath, $$"""{"method":"agent/suggest","params":{"agentId":"{{agentId}}"},"body":{{input}}}""", Ct);

        using var missing = await PostAsync("nope", RuntimeTestHost.Input("t", "r"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("Agent not found", (string?)JsonNode.Parse(await missing.Content.ReadAsStringAsync(Ct))!["error"]);

        using var invalid = await PostAsync("recorder", """{"threadId":"t"}""");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("Invalid request body", (string?)JsonNode.Parse(await invalid.Content.ReadAsStringAsync(Ct))!["error"]);

        if (transport == "rest")
        {
            using var get = await host.Client.GetAsync($"{B}/agent/recorder/suggest".TrimStart('/'), Ct);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
            Assert.Equal("POST", get.Content.Headers.Allow.Single());
        }
    }
}
