using System.Net;
using System.Text.Json.Nodes;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CopilotAspire.Tests.Http;

/// <summary>
/// The REST transport against the wire spec's conformance cases (§13), through real HTTP and SSE parsing: routing and
/// runs here, stop and connect in <c>RestTransportTests.Stop.cs</c> and <c>RestTransportTests.Connect.cs</c>.
/// </summary>
[Kind(TestKind.Fast)]
public sealed partial class RestTransportTests(RuntimeHostFixture fixture) : IClassFixture<RuntimeHostFixture>
{
    private const string B = RuntimeTestHost.BasePath;
    private readonly RuntimeTestHost _host = fixture.Host;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void AssertSseOk(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Contains("keep-alive", response.Headers.Connection);
        Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> JsonAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = body is null ? null : RuntimeTestHost.Json(body) };
        var response = await _host.Client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        if (text.Length > 0)
        {
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        }
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null, response);
    }

    [Fact(Timeout = 30_000)]
    public async Task Info_lists_agents_with_name_description_and_class()
    {
        var (status, body, _) = await JsonAsync(HttpMethod.Get, $"{B}/info");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal("""{"name":"default","description":"test agent","className":"DelegateAgent"}""", body!["agents"]!["default"]);
        Assert.False((bool)body["audioFileTranscriptionEnabled"]!);
        Assert.Equal("sse", (string)body["mode"]!);
        Assert.False(string.IsNullOrEmpty((string?)body["version"]));
        JsonAssert.Equal("""{"list":true,"inspect":true,"mutations":true,"realtimeMetadata":false}""", body["threadEndpoints"]);
        Assert.True((bool)body["suggestions"]!); // POST agent/{id}/suggest is served (wire spec §21)
        Assert.Equal(
            ["version", "agents", "audioFileTranscriptionEnabled", "mode", "threadEndpoints", "suggestions", "a2uiEnabled", "openGenerativeUIEnabled", "telemetryDisabled"],
            body.AsObject().Select(p => p.Key));
    }

    [Fact(Timeout = 30_000)]
    public async Task Info_ignores_the_query_string()
    {
        var (status, body, _) = await JsonAsync(HttpMethod.Get, $"{B}/info?foo=1");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(body!["agents"]!["default"]);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("POST", "/info", "GET")]
    [InlineData("HEAD", "/info", "GET")]
    [InlineData("GET", "/agent/default/run", "POST")]
    [InlineData("GET", "/agent/default/connect", "POST")]
    [InlineData("GET", "/agent/default/stop/t1", "POST")]
    [InlineData("GET", "/transcribe", "POST")]
    public async Task Wrong_method_is_405_with_Allow(string method, string path, string allow)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), $"{B}{path}".TrimStart('/'));
        var response = await _host.Client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(allow, string.Join(",", response.Content.Headers.Allow));
        if (method != "HEAD")
        {
            JsonAssert.Equal("""{"error":"Method not allowed"}""", await response.Content.ReadAsStringAsync(Ct));
        }
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Theory(Timeout = 30_000)]
    [InlineData("GET", "/nonexistent")]
    [InlineData("GET", "/INFO")]
    [InlineData("POST", "/Agent/default/run")]
    [InlineData("POST", "/agent/default/run/extra")]
    [InlineData("POST", "/agent//run")]
    [InlineData("GET", "/agents")]
    public async Task Unknown_paths_are_404_not_found(string method, string path)
    {
        var (status, body, response) = await JsonAsync(new HttpMethod(method), $"{B}{path}", method == "POST" ? RuntimeTestHost.Input("t", "r") : null);
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal("""{"error":"Not found"}""", body);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact(Timeout = 30_000)]
    public async Task Base_path_needs_a_segment_boundary()
    {
        var response = await _host.Client.GetAsync("api/copilotkitX/info", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact(Timeout = 30_000)]
    public async Task Envelope_posted_to_the_rest_base_gets_a_diagnostic_404()
    {
        var (status, body, _) = await JsonAsync(HttpMethod.Post, B, """{"method":"info"}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Not found", (string)body!["error"]!);
        Assert.Equal("single_route_envelope_against_multi_route_runtime", (string)body["code"]!);
        Assert.Contains("{ method: \"info\" }", (string)body["message"]!);

        var (otherStatus, other, _) = await JsonAsync(HttpMethod.Post, B, """{"foo":1}""");
        Assert.Equal(HttpStatusCode.NotFound, otherStatus);
        JsonAssert.Equal("""{"error":"Not found"}""", other);
    }

    [Fact(Timeout = 30_000)]
    public async Task Run_streams_the_agent_as_data_frames_only()
    {
        var response = await _host.PostAsync($"{B}/agent/default/run", RuntimeTestHost.Input("run-frames", "r1"), Ct);
        AssertSseOk(response);
        var body = await response.Content.ReadAsStringAsync(Ct);
        var expected =
            """data: {"type":"RUN_STARTED","threadId":"run-frames","runId":"r1","input":{"threadId":"run-frames","runId":"r1","state":{},"messages":[{"id":"u1","role":"user","content":"hi"}],"tools":[],"context":[],"forwardedProps":{}}}""" + "\n\n" +
            """data: {"type":"TEXT_MESSAGE_START","messageId":"m1","role":"assistant"}""" + "\n\n" +
            """data: {"type":"TEXT_MESSAGE_CONTENT","messageId":"m1","delta":"Hello from test"}""" + "\n\n" +
            """data: {"type":"TEXT_MESSAGE_END","messageId":"m1"}""" + "\n\n" +
            """data: {"type":"RUN_FINISHED","threadId":"run-frames","runId":"r1"}""" + "\n\n";
        Assert.Equal(expected, body);
    }

    [Fact(Timeout = 30_000)]
    public async Task Run_started_input_holds_only_messages_new_to_the_thread()
    {
        await _host.PostSseAsync($"{B}/agent/default/run", RuntimeTestHost.Input("run-new", "r1"), Ct);
        var (_, frames) = await _host.PostSseAsync($"{B}/agent/default/run", RuntimeTestHost.Input("run-new", "r2",
            """[{"id":"u1","role":"user","content":"hi"},{"id":"m1","role":"assistant","content":"Hello from test"},{"id":"u2","role":"user","content":"more"}]"""), Ct);
        JsonAssert.Equal("""[{"id":"u2","role":"user","content":"more"}]""", frames.Events()[0]["input"]!["messages"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Percent_encoded_agent_id_is_decoded()
    {
        var (response, frames) = await _host.PostSseAsync($"{B}/agent/def%61ult/run", RuntimeTestHost.Input("run-decoded", "r1"), Ct);
        AssertSseOk(response);
        Assert.Equal("RUN_FINISHED", frames.Types()[^1]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Unknown_agent_is_404_even_with_a_bad_body()
    {
        foreach (var body in new[] { RuntimeTestHost.Input("t", "r"), "{bad" })
        {
            var (status, json, _) = await JsonAsync(HttpMethod.Post, $"{B}/agent/nope/run", body);
            Assert.Equal(HttpStatusCode.NotFound, status);
            JsonAssert.Equal("""{"error":"Agent not found","message":"Agent 'nope' does not exist"}""", json);
        }
    }

    [Theory(Timeout = 30_000)]
    [InlineData("{bad")]
    [InlineData("""{"threadId":"t"}""")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[{"id":"x","role":"robot","content":"hi"}],"tools":[],"context":[]}""")]
    [InlineData("""{"threadId":"t","runId":"r","messages":null,"tools":[],"context":[]}""")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"tools":[{"name":"x"}],"context":[]}""")]
    [InlineData("""{"threadId":5,"runId":"r","messages":[],"tools":[],"context":[]}""")]
    public async Task Invalid_run_body_is_400_invalid_request_body(string body)
    {
        var (status, json, _) = await JsonAsync(HttpMethod.Post, $"{B}/agent/default/run", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Invalid request body", (string)json!["error"]!);
        Assert.IsType<string>((string?)json["details"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Null_state_and_unknown_keys_are_dropped_from_the_echoed_input()
    {
        var (response, frames) = await _host.PostSseAsync($"{B}/agent/default/run",
            """{"threadId":"run-strip","runId":"r1","messages":[],"state":null,"extra":1,"tools":[],"context":[],"forwardedProps":{}}""", Ct);
        AssertSseOk(response);
        var input = frames.Events()[0]["input"]!.AsObject();
        Assert.False(input.ContainsKey("state"));
        Assert.False(input.ContainsKey("extra"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Chunk_events_never_reach_the_wire()
    {
        var (_, frames) = await _host.PostSseAsync($"{B}/agent/chunky/run", RuntimeTestHost.Input("run-chunky", "r1"), Ct);
        Assert.Equal(
            ["RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_ARGS", "TOOL_CALL_END", "RUN_FINISHED"],
            frames.Types());
        JsonAssert.Equal("""{"type":"TEXT_MESSAGE_START","messageId":"c1","role":"assistant"}""", frames.Events()[1]);
        JsonAssert.Equal("""{"type":"TOOL_CALL_START","toolCallId":"tc1","toolCallName":"lookup","parentMessageId":"c1"}""", frames.Events()[5]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Agent_ending_without_terminal_gets_incomplete_stream_error()
    {
        var (_, frames) = await _host.PostSseAsync($"{B}/agent/unterminated/run", RuntimeTestHost.Input("run-unterminated", "r1"), Ct);
        var events = frames.Events();
        JsonAssert.Equal("""{"type":"TEXT_MESSAGE_END","messageId":"m1"}""", events[^2]);
        JsonAssert.Equal("""{"type":"RUN_ERROR","message":"Run ended without emitting a terminal event","code":"INCOMPLETE_STREAM"}""", events[^1]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Agent_that_throws_mid_stream_has_its_open_parts_closed_and_its_message_reported()
    {
        var (_, frames) = await _host.PostSseAsync($"{B}/agent/exploder/run", RuntimeTestHost.Input("run-exploder", "r1"), Ct);
        var tail = frames.Where(f => f.Data is not null).TakeLast(4).Select(f => f.Data).ToList();
        Assert.Equal(
        [
            """{"type":"TEXT_MESSAGE_END","messageId":"s1"}""",
            """{"type":"TOOL_CALL_END","toolCallId":"tcS"}""",
            """{"type":"TOOL_CALL_RESULT","toolCallId":"tcS","messageId":"tcS-result","role":"tool","content":"{\"status\":\"error\",\"reason\":\"missing_terminal_event\",\"message\":\"provider exploded: 500\"}"}""",
            """{"type":"RUN_ERROR","message":"provider exploded: 500","code":"INCOMPLETE_STREAM"}""",
        ], tail);
    }

    [Fact(Timeout = 30_000)]
    public async Task Agent_that_throws_before_any_event_gets_one_error_frame_and_no_history()
    {
        var (_, frames) = await _host.PostSseAsync($"{B}/agent/thrower/run", RuntimeTestHost.Input("run-thrower", "r1"), Ct);
        Assert.Equal(["""{"type":"RUN_ERROR","message":"boom","code":"INCOMPLETE_STREAM"}"""], frames.Select(f => f.Data));
        var (_, replay) = await _host.PostSseAsync($"{B}/agent/thrower/connect", RuntimeTestHost.Input("run-thrower", "c"), Ct);
        Assert.Empty(replay);
    }

    [Fact(Timeout = 30_000)]
    public async Task Protocol_violations_end_the_run_with_the_verifier_message()
    {
        var (_, unopened) = await _host.PostSseAsync($"{B}/agent/unopened/run", RuntimeTestHost.Input("run-unopened", "r1"), Ct);
        Assert.Equal(["RUN_STARTED", "RUN_ERROR"], unopened.Types());
        Assert.StartsWith("Cannot send 'TEXT_MESSAGE_CONTENT' event: No active text message found with ID 'zz'", (string)unopened.Events()[1]["message"]!);
        Assert.Equal("INCOMPLETE_STREAM", (string)unopened.Events()[1]["code"]!);

        var (_, nostart) = await _host.PostSseAsync($"{B}/agent/nostart/run", RuntimeTestHost.Input("run-nostart", "r1"), Ct);
        Assert.Equal(["""{"type":"RUN_ERROR","message":"First event must be 'RUN_STARTED'","code":"INCOMPLETE_STREAM"}"""], nostart.Select(f => f.Data));
    }

    [Fact(Timeout = 30_000)]
    public async Task Agent_own_run_error_is_the_last_event()
    {
        var (_, frames) = await _host.PostSseAsync($"{B}/agent/selferror/run", RuntimeTestHost.Input("run-selferror", "r1"), Ct);
        Assert.Equal(["RUN_STARTED", "TEXT_MESSAGE_START", "RUN_ERROR"], frames.Types());
        Assert.Equal("OWN", (string)frames.Events()[^1]["code"]!);
    }

    [Fact(Timeout = 30_000)]
    public async Task Second_run_on_a_busy_thread_gets_an_empty_stream_and_the_first_is_unaffected()
    {
        await using var frames = await StartSlowRunAsync("run-busy");

        var (second, secondFrames) = await _host.PostSseAsync($"{B}/agent/slow/run", RuntimeTestHost.Input("run-busy", "r2"), Ct);
        AssertSseOk(second);
        Assert.Empty(secondFrames);

        var (status, stop, _) = await JsonAsync(HttpMethod.Post, $"{B}/agent/slow/stop/run-busy", """{"runId":"r1"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True((bool)stop!["stopped"]!);
        Assert.Equal("RUN_FINISHED", (await ReadUntilAsync(frames, "RUN_FINISHED")).Type);
    }

    [Fact(Timeout = 30_000)]
    public async Task Client_disconnect_does_not_cancel_the_run()
    {
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            var run = await _host.PostAsync($"{B}/agent/slow/run", RuntimeTestHost.Input("disconnect", "r1"), cts.Token, HttpCompletionOption.ResponseHeadersRead);
            var stream = await run.Content.ReadAsStreamAsync(cts.Token);
            await using var frames = Sse.ReadFramesAsync(stream, cts.Token).GetAsyncEnumerator(cts.Token);
            await ReadUntilAsync(frames, "TOOL_CALL_START");
            run.Dispose(); // the client goes away mid-run
        }

        // connect still sees the run in flight: replay from RUN_STARTED, then live until it is stopped.
        var connect = await _host.PostAsync($"{B}/agent/slow/connect", RuntimeTestHost.Input("disconnect", "c"), Ct, HttpCompletionOption.ResponseHeadersRead);
        await using var connectStream = await connect.Content.ReadAsStreamAsync(Ct);
        await using var live = Sse.ReadFramesAsync(connectStream, Ct).GetAsyncEnumerator(Ct);
        Assert.Equal("RUN_STARTED", (await ReadUntilAsync(live, "RUN_STARTED")).Type);
        await ReadUntilAsync(live, "TOOL_CALL_START");
        var (_, stop, _) = await JsonAsync(HttpMethod.Post, $"{B}/agent/slow/stop/disconnect");
        Assert.True((bool)stop!["stopped"]!);
        Assert.Equal("RUN_FINISHED", (await ReadUntilAsync(live, "RUN_FINISHED")).Type);
        Assert.False(await live.MoveNextAsync());
    }

    [Fact(Timeout = 30_000)]
    public async Task Only_authorization_and_x_headers_minus_infrastructure_reach_the_agent()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{B}/agent/echo/run".TrimStart('/')) { Content = RuntimeTestHost.Json(RuntimeTestHost.Input("headers", "r1")) };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer c");
        request.Headers.Add("X-Custom", "1");
        request.Headers.Add("X-Forwarded-For", "10.0.0.1");
        request.Headers.Add("X-Vercel-Id", "v");
        request.Headers.Add("X-Request-Id", "q");
        request.Headers.Add("Cookie", "a=b");
        var response = await _host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        var frames = await Sse.ReadAllAsync(response, Ct);
        var content = frames.Events().Single(e => (string)e["type"]! == "TEXT_MESSAGE_CONTENT");
        JsonAssert.Equal("""{"authorization":"Bearer c","x-custom":"1"}""", (string)content["delta"]!);
    }

    [Fact(Timeout = 30_000)]
    public async Task Each_request_runs_on_its_own_clone()
    {
        var registered = (DelegateAgent)(await _host.Services.GetRequiredService<CopilotAspire.Runtime.Hosting.CopilotRuntime>()
            .ResolveAgentsAsync(new Microsoft.AspNetCore.Http.DefaultHttpContext(), Ct))["echo"];
        var before = registered.CloneCount;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{B}/agent/echo/run".TrimStart('/')) { Content = RuntimeTestHost.Json(RuntimeTestHost.Input("clones", "r1")) };
        request.Headers.Add("X-Tenant", "a");
        await Sse.ReadAllAsync(await _host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct), Ct);
        Assert.Equal(before + 1, registered.CloneCount);
        Assert.Empty(registered.Headers); // the registered instance never sees forwarded headers
    }

    /// <summary>Starts the <c>slow</c> agent on a thread and reads its stream up to the open tool call.</summary>
    private async Task<IAsyncEnumerator<SseFrame>> StartSlowRunAsync(string threadId)
    {
        var response = await _host.PostAsync($"{B}/agent/slow/run", RuntimeTestHost.Input(threadId, "r1"), Ct, HttpCompletionOption.ResponseHeadersRead);
        var frames = Sse.ReadFramesAsync(await response.Content.ReadAsStreamAsync(Ct), Ct).GetAsyncEnumerator(Ct);
        await ReadUntilAsync(frames, "TOOL_CALL_START");
        return frames;
    }

    internal static async Task<SseFrame> ReadUntilAsync(IAsyncEnumerator<SseFrame> frames, string type)
    {
        while (await frames.MoveNextAsync())
        {
            if (frames.Current.Data is not null && frames.Current.Type == type)
            {
                return frames.Current;
            }
        }
        throw new InvalidOperationException($"The stream ended before {type}.");
    }
}
