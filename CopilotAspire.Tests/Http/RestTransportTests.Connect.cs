using System.Net;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Http;

/// <summary>The REST transport: <c>agent/connect</c> (§13): replay, state folding, live tails, errors.</summary>
public sealed partial class RestTransportTests
{
    [Fact(Timeout = 30_000)]
    public async Task Connect_to_an_unknown_thread_is_an_empty_stream()
    {
        var (response, frames) = await _host.PostSseAsync($"{B}/agent/default/connect", RuntimeTestHost.Input("never", "x"), Ct);
        AssertSseOk(response);
        Assert.Empty(frames);
    }

    [Fact(Timeout = 30_000)]
    public async Task Connect_replays_a_finished_run_compacted()
    {
        await _host.PostSseAsync($"{B}/agent/chunky/run", RuntimeTestHost.Input("replay-one", "r1"), Ct);
        var (_, frames) = await _host.PostSseAsync($"{B}/agent/chunky/connect", RuntimeTestHost.Input("replay-one", "c"), Ct);
        Assert.Equal(["RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_END", "RUN_FINISHED"], frames.Types());
        Assert.Equal("Hello", (string)frames.Events()[2]["delta"]!);
        Assert.Equal("{\"q\":1}", (string)frames.Events()[5]["delta"]!);
        Assert.NotNull(frames.Events()[0]["input"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Connect_folds_state_into_one_snapshot_before_the_terminal()
    {
        await _host.PostSseAsync($"{B}/agent/stateful/run", RuntimeTestHost.Input("replay-state", "r1"), Ct);
        var (_, frames) = await _host.PostSseAsync($"{B}/agent/stateful/connect", RuntimeTestHost.Input("replay-state", "c"), Ct);
        Assert.Equal(["RUN_STARTED", "STATE_SNAPSHOT", "RUN_FINISHED"], frames.Types());
        JsonAssert.Equal("""{"x":2}""", frames.Events()[1]["snapshot"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Connect_replays_runs_back_to_back_in_order()
    {
        await _host.PostSseAsync($"{B}/agent/default/run", RuntimeTestHost.Input("replay-two", "r1"), Ct);
        await _host.PostSseAsync($"{B}/agent/default/run", RuntimeTestHost.Input("replay-two", "r2",
            """[{"id":"u1","role":"user","content":"hi"},{"id":"m1","role":"assistant","content":"Hello from test"},{"id":"u2","role":"user","content":"more"}]"""), Ct);
        var (_, frames) = await _host.PostSseAsync($"{B}/agent/default/connect", RuntimeTestHost.Input("replay-two", "c"), Ct);
        var runs = frames.Events().Where(e => (string)e["type"]! is "RUN_STARTED" or "RUN_FINISHED").Select(e => $"{e["type"]}:{e["runId"]}").ToList();
        Assert.Equal(["RUN_STARTED:r1", "RUN_FINISHED:r1", "RUN_STARTED:r2", "RUN_FINISHED:r2"], runs);
        var second = frames.Events().Where(e => (string)e["type"]! == "RUN_STARTED").ElementAt(1);
        JsonAssert.Equal("""[{"id":"u2","role":"user","content":"more"}]""", second["input"]!["messages"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Concurrent_connects_during_a_run_see_identical_streams()
    {
        await using var runFrames = await StartSlowRunAsync("connect-live");

        var a = _host.PostAsync($"{B}/agent/slow/connect", RuntimeTestHost.Input("connect-live", "a"), Ct, HttpCompletionOption.ResponseHeadersRead);
        var b = _host.PostAsync($"{B}/agent/slow/connect", RuntimeTestHost.Input("connect-live", "b"), Ct, HttpCompletionOption.ResponseHeadersRead);
        var responses = await Task.WhenAll(a, b);
        var readers = responses.Select(r => Sse.ReadAllAsync(r, Ct)).ToArray();
        // Both are live (the run is still open); stopping it ends both.
        var (_, stop, _) = await JsonAsync(HttpMethod.Post, $"{B}/agent/slow/stop/connect-live");
        Assert.True((bool)stop!["stopped"]!);
        var (first, second) = (await readers[0], await readers[1]);
        Assert.Equal(first.Select(f => f.Data), second.Select(f => f.Data));
        Assert.Equal("RUN_STARTED", first.Types()[0]);
        Assert.Equal("""{"type":"RUN_FINISHED","threadId":"connect-live","runId":"r1"}""", first[^1].Data);
        var runRest = new List<string?>();
        while (await runFrames.MoveNextAsync())
        {
            runRest.Add(runFrames.Current.Data);
        }
        Assert.Equal(runRest, first.Skip(first.Count - runRest.Count).Select(f => f.Data));
    }

    [Fact(Timeout = 30_000)]
    public async Task Connect_errors_match_run()
    {
        var (status, json, _) = await JsonAsync(HttpMethod.Post, $"{B}/agent/nope/connect", RuntimeTestHost.Input("t", "r"));
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal("""{"error":"Agent not found","message":"Agent 'nope' does not exist"}""", json);
        var (bad, body, _) = await JsonAsync(HttpMethod.Post, $"{B}/agent/default/connect", "{}");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal("Invalid request body", (string)body!["error"]!);
    }
}
