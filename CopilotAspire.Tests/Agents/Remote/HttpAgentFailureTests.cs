using System.Net;
using System.Text.Json.Nodes;
using CopilotAspire.Runtime.Agents.Remote;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using static CopilotAspire.Tests.Agents.Remote.ScriptedRemote;

namespace CopilotAspire.Tests.Agents.Remote;

/// <summary>
/// <see cref="HttpAgent"/> through our runtime (real HTTP both ways) against a remote whose answers are written byte by
/// byte: every failure ends the run with one <c>RUN_ERROR</c> and its code, never a 500 or a hang; the event stream is
/// read as it arrives whatever its framing; headers reach the remote; a stop closes the remote's connection.
/// </summary>
[Kind(TestKind.Fast)]
public sealed class HttpAgentFailureTests : IAsyncLifetime
{
    private ScriptedRemote _remote = null!;
    private RuntimeTestHost _host = null!;
    private readonly List<(string Id, string Url, Action<HttpAgentOptions>? Configure)> _agents = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _remote = await ScriptedRemote.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        await _remote.DisposeAsync();
    }

    private async Task<RuntimeTestHost> HostAsync()
    {
        _host ??= await RuntimeTestHost.StartAsync(runtime =>
        {
            foreach (var (id, url, configure) in _agents)
            {
                runtime.AddHttpAgent(id, url, configure);
            }
        });
        return _host;
    }

    /// <summary>Registers a remote agent answering with <paramref name="handler"/> (before the host starts).</summary>
    private void Add(string name, Func<HttpContext, Task> handler, Action<HttpAgentOptions>? configure = null) =>
        _agents.Add((name, _remote.Route(name, handler), configure));

    /// <summary>Registers a remote agent answering with <paramref name="handler"/> and runs it once through our runtime.</summary>
    private Task<List<JsonObject>> RunAsync(string name, Func<HttpContext, Task> handler, Action<HttpAgentOptions>? configure = null)
    {
        Add(name, handler, configure);
        return RunAsync(name);
    }

    /// <summary>Runs a registered remote agent once through our runtime.</summary>
    private async Task<List<JsonObject>> RunAsync(string name)
    {
        var host = await HostAsync();
        var (response, frames) = await host.PostSseAsync($"{RuntimeTestHost.BasePath}/agent/{name}/run", RuntimeTestHost.Input("t-" + name, "r-" + name), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return frames.Events();
    }

    private static JsonObject SingleError(List<JsonObject> events, string code)
    {
        var error = Assert.Single(events, e => (string?)e["type"] == "RUN_ERROR");
        Assert.True(code == (string?)error["code"], $"Expected {code}, got: {error.ToJsonString()}");
        Assert.Same(events[^1], error);
        return error;
    }

    private static async Task StartedAsync(HttpContext context, string extra = "")
    {
        await BeginEventStreamAsync(context);
        await WriteAsync(context, "data: {\"type\":\"RUN_STARTED\",\"threadId\":\"t\",\"runId\":\"r\"}\n\n" + extra);
    }

    [Fact]
    public async Task Connection_refused_is_REMOTE_UNREACHABLE()
    {
        _agents.Add(("refused", $"http://127.0.0.1:{FreePort.Next()}/agent", null));
        var (response, frames) = await (await HostAsync()).PostSseAsync($"{RuntimeTestHost.BasePath}/agent/refused/run", RuntimeTestHost.Input("t-refused", "r1"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var error = SingleError(frames.Events(), RemoteAgentErrors.Unreachable);
        Assert.Contains("could not be reached", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_2xx_answer_is_REMOTE_HTTP_ERROR_with_its_status_and_its_message()
    {
        Add("json-404", async c =>
        {
            c.Response.StatusCode = 404;
            await c.Response.WriteAsJsonAsync(new { error = "Not found", message = "Agent 'x' does not exist" }, c.RequestAborted);
        });
        Add("text-503", async c =>
        {
            c.Response.StatusCode = 503;
            await c.Response.WriteAsync("  upstream is down\n", c.RequestAborted);
        });
        var json = await RunAsync("json-404");
        var text = await RunAsync("text-503");

        Assert.Equal("The remote agent answered HTTP 404: Agent 'x' does not exist", (string?)SingleError(json, RemoteAgentErrors.HttpError)["message"]);
        Assert.Equal("The remote agent answered HTTP 503: upstream is down", (string?)SingleError(text, RemoteAgentErrors.HttpError)["message"]);
        Assert.Single(_remote.Calls("text-503")); // no retry
    }

    [Fact]
    public async Task A_content_type_that_is_not_an_event_stream_is_REMOTE_NOT_EVENT_STREAM()
    {
        var events = await RunAsync("json-200", c => c.Response.WriteAsJsonAsync(new { type = "RUN_STARTED" }, c.RequestAborted));

        Assert.Contains("application/json", (string?)SingleError(events, RemoteAgentErrors.NotEventStream)["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_frame_closes_what_is_open_then_REMOTE_MALFORMED_EVENT()
    {
        var events = await RunAsync("malformed", async c =>
        {
            await StartedAsync(c, "data: {\"type\":\"TEXT_MESSAGE_START\",\"messageId\":\"m1\",\"role\":\"assistant\"}\n\n");
            await WriteAsync(c, "data: {\"type\":\"TEXT_MESSAGE_CONTENT\",\"messageId\":\n\n");
            await HoldAsync(c);
        });

        Assert.Equal(["RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_END", "RUN_ERROR"], events.Select(e => (string?)e["type"]));
        SingleError(events, RemoteAgentErrors.MalformedEvent);
        await _remote.Aborted("malformed"); // the connection was closed
    }

    [Fact]
    public async Task An_unknown_event_type_or_a_missing_field_is_REMOTE_MALFORMED_EVENT()
    {
        Add("unknown-type", c => StartedAsync(c, "data: {\"type\":\"NOT_AN_EVENT\"}\n\n"));
        Add("missing-field", c => StartedAsync(c, "data: {\"type\":\"TEXT_MESSAGE_START\"}\n\n"));
        var unknown = await RunAsync("unknown-type");
        var missing = await RunAsync("missing-field");

        SingleError(unknown, RemoteAgentErrors.MalformedEvent);
        SingleError(missing, RemoteAgentErrors.MalformedEvent);
    }

    [Fact]
    public async Task An_event_larger_than_MaxEventBytes_is_REMOTE_MALFORMED_EVENT()
    {
        var big = new string('x', 4000);
        var events = await RunAsync("too-large", async c =>
        {
            await StartedAsync(c);
            await WriteAsync(c, $"data: {{\"type\":\"CUSTOM\",\"name\":\"big\",\"value\":\"{big}\"}}\n\n");
            await HoldAsync(c);
        }, o => o.MaxEventBytes = 1024);

        Assert.Contains("larger than 1024 bytes", (string?)SingleError(events, RemoteAgentErrors.MalformedEvent)["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_the_verifier_rejects_ends_the_run_as_for_a_local_agent()
    {
        var events = await RunAsync("unverified", c => StartedAsync(c, "data: {\"type\":\"TEXT_MESSAGE_CONTENT\",\"messageId\":\"nope\",\"delta\":\"x\"}\n\n"));

        var error = Assert.Single(events, e => (string?)e["type"] == "RUN_ERROR");
        Assert.Contains("No active text message found with ID 'nope'", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(["RUN_STARTED", "RUN_ERROR"], events.Select(e => (string?)e["type"]));
    }

    [Fact]
    public async Task A_stream_that_ends_without_a_terminal_event_is_REMOTE_INCOMPLETE_STREAM()
    {
        var events = await RunAsync("no-terminal", c => StartedAsync(c, "data: {\"type\":\"TOOL_CALL_START\",\"toolCallId\":\"c1\",\"toolCallName\":\"f\"}\n\n"));

        Assert.Equal(["RUN_STARTED", "TOOL_CALL_START", "TOOL_CALL_END", "TOOL_CALL_RESULT", "RUN_ERROR"], events.Select(e => (string?)e["type"]));
        SingleError(events, RemoteAgentErrors.IncompleteStream);
    }

    [Fact]
    public async Task No_first_byte_within_ConnectTimeout_is_REMOTE_TIMEOUT_and_the_request_is_closed()
    {
        var events = await RunAsync("silent", HoldAsync, o => o.ConnectTimeout = TimeSpan.FromMilliseconds(200));

        Assert.Contains("ConnectTimeout", (string?)SingleError(events, RemoteAgentErrors.Timeout)["message"], StringComparison.Ordinal);
        await _remote.Aborted("silent");
    }

    [Fact]
    public async Task Silence_longer_than_IdleTimeout_is_REMOTE_TIMEOUT_after_closing_what_is_open()
    {
        var events = await RunAsync("idle", async c =>
        {
            await StartedAsync(c, "data: {\"type\":\"TEXT_MESSAGE_START\",\"messageId\":\"m1\"}\n\n");
            await HoldAsync(c);
        }, o => o.IdleTimeout = TimeSpan.FromMilliseconds(300));

        Assert.Equal(["RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_END", "RUN_ERROR"], events.Select(e => (string?)e["type"]));
        Assert.Contains("IdleTimeout", (string?)SingleError(events, RemoteAgentErrors.Timeout)["message"], StringComparison.Ordinal);
        await _remote.Aborted("idle");
    }

    [Fact]
    public async Task Frames_split_across_reads_with_CRLF_comments_ids_and_multi_line_data_are_read_as_events()
    {
        const string Stream =
            "\uFEFF: hello\r\n\r\n" +
            "id: 1\r\nevent: message\r\ndata: {\"type\":\"RUN_STARTED\",\"threadId\":\"t\",\"runId\":\"r\",\r\ndata: \"input\":{\"threadId\":\"x\",\"runId\":\"y\",\"state\":{},\"messages\":[],\"tools\":[],\"context\":[],\"forwardedProps\":{}}}\r\n\r\n" +
            ": keep-alive\n\n" +
            "data:{\"type\":\"TEXT_MESSAGE_START\",\"messageId\":\"m1\",\"role\":\"assistant\"}\r\r" +
            "retry: 10\ndata: {\"type\":\"TEXT_MESSAGE_CONTENT\",\"messageId\":\"m1\",\"delta\":\"h\u00e9llo \u2728\"}\n\n" +
            "data: {\"type\":\"TEXT_MESSAGE_END\",\"messageId\":\"m1\"}\n\n" +
            "data: {\"type\":\"RUN_FINISHED\",\"threadId\":\"t\",\"runId\":\"r\"}\n\n";
        var events = await RunAsync("split", async c =>
        {
            await BeginEventStreamAsync(c);
            foreach (var b in System.Text.Encoding.UTF8.GetBytes(Stream))
            {
                await c.Response.Body.WriteAsync(new[] { b }, c.RequestAborted);
                await c.Response.Body.FlushAsync(c.RequestAborted);
            }
        });

        Assert.Equal(["RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED"], events.Select(e => (string?)e["type"]));
        Assert.Equal("h\u00e9llo \u2728", (string?)events[2]["delta"]);
        // RUN_STARTED.input is the input this runtime received, not the remote's.
        Assert.Equal("u1", (string?)events[0]["input"]!["messages"]![0]!["id"]);
        Assert.Equal("t-split", (string?)events[0]["input"]!["threadId"]);
    }

    [Fact]
    public async Task The_remote_gets_the_input_as_JSON_with_forwarded_and_configured_headers()
    {
        _agents.Add(("headers", _remote.Route("headers", c => StartedAsync(c, "data: {\"type\":\"RUN_FINISHED\",\"threadId\":\"t\",\"runId\":\"r\"}\n\n")),
            o => o.Headers["X-Service"] = "configured"));
        var host = await HostAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{RuntimeTestHost.BasePath.TrimStart('/')}/agent/headers/run")
        {
            Content = RuntimeTestHost.Json(RuntimeTestHost.Input("t-headers", "r-headers")),
        };
        request.Headers.Add("Authorization", "Bearer client");
        request.Headers.Add("X-Custom", "1");
        request.Headers.Add("X-Service", "from-client");
        request.Headers.Add("X-Forwarded-For", "10.0.0.1");
        request.Headers.Add("Cookie", "session=secret");
        using var response = await host.Client.SendAsync(request, Ct);
        await response.Content.ReadAsStringAsync(Ct);

        var call = Assert.Single(_remote.Calls("headers"));
        Assert.Equal("Bearer client", call.Headers["authorization"]);
        Assert.Equal("1", call.Headers["x-custom"]);
        Assert.Equal("configured", call.Headers["x-service"]);
        Assert.False(call.Headers.ContainsKey("x-forwarded-for"));
        Assert.False(call.Headers.ContainsKey("cookie"));
        Assert.Equal("text/event-stream", call.Headers["accept"]);
        Assert.StartsWith("application/json", call.Headers["content-type"], StringComparison.Ordinal);
        var body = JsonNode.Parse(call.Body)!;
        Assert.Equal("t-headers", (string?)body["threadId"]);
        Assert.Equal("r-headers", (string?)body["runId"]);
        Assert.Equal("hi", (string?)body["messages"]![0]!["content"]);
    }

    [Fact]
    public async Task Stop_closes_the_remote_connection_at_once_and_the_run_finishes_cleanly()
    {
        _agents.Add(("held", _remote.Route("held", async c =>
        {
            await StartedAsync(c, "data: {\"type\":\"TEXT_MESSAGE_START\",\"messageId\":\"m1\"}\n\ndata: {\"type\":\"TEXT_MESSAGE_CONTENT\",\"messageId\":\"m1\",\"delta\":\"a\"}\n\n");
            await HoldAsync(c);
        }), null));
        var host = await HostAsync();
        using var response = await host.PostAsync($"{RuntimeTestHost.BasePath}/agent/held/run", RuntimeTestHost.Input("t-held", "r-held"), Ct, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync(Ct);
        var frames = Sse.ReadFramesAsync(stream, Ct).GetAsyncEnumerator(Ct);
        var seen = new List<SseFrame>();
        while (await frames.MoveNextAsync())
        {
            seen.Add(frames.Current);
            if (frames.Current.Type == "TEXT_MESSAGE_CONTENT")
            {
                break;
            }
        }

        using var stop = await host.PostAsync($"{RuntimeTestHost.BasePath}/agent/held/stop/t-held", "{}", Ct);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        await _remote.Aborted("held");
        while (await frames.MoveNextAsync())
        {
            seen.Add(frames.Current);
        }
        await frames.DisposeAsync();

        Assert.Equal(["RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED"], seen.Types());
    }

    [Fact]
    public async Task A_misconfigured_remote_agent_fails_at_startup_naming_it()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => RuntimeTestHost.StartAsync(
            runtime => runtime.AddAgentsFromConfiguration(),
            new Dictionary<string, string?> { ["CopilotRuntime:Agents:weather:Type"] = "http", ["CopilotRuntime:Agents:weather:Url"] = "ftp://example/agent" }));

        Assert.Contains("'weather'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not an absolute http or https URL", ex.Message, StringComparison.Ordinal);
    }
}
