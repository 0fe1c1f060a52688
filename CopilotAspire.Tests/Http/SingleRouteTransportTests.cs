using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Http;

/// <summary>The single-route (envelope) transport against the conformance cases (§13, 57–68).</summary>
[Kind(TestKind.Fast)]
public sealed class SingleRouteTransportTests(RuntimeHostFixture fixture) : IClassFixture<RuntimeHostFixture>
{
    private const string S = RuntimeTestHost.SinglePath;
    private readonly RuntimeTestHost _host = fixture.Host;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Status, JsonNode? Body)> EnvelopeAsync(string json, string contentType = "application/json", string path = S)
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        var response = await _host.Client.PostAsync(path.TrimStart('/'), content, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    [Fact(Timeout = 30_000)]
    public async Task Info_envelope_reports_agents_and_the_thread_endpoints_only_in_its_single_route_block()
    {
        var (status, body) = await EnvelopeAsync("""{"method":"info"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(body!["agents"]!["default"]);
        // As the official 1.75 runtime: off at the top, reachable through resource/request (wire spec §20.6).
        JsonAssert.Equal("""{"list":false,"inspect":false,"mutations":false,"realtimeMetadata":false}""", body["threadEndpoints"]);
        JsonAssert.Equal("""{"resourceOperations":true,"threadEndpoints":{"list":true,"inspect":true,"mutations":true,"realtimeMetadata":false}}""", body["singleRoute"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Get_on_the_single_route_is_405_allow_post()
    {
        var response = await _host.Client.GetAsync(S.TrimStart('/'), Ct);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("POST", string.Join(",", response.Content.Headers.Allow));
        JsonAssert.Equal("""{"error":"Method not allowed"}""", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact(Timeout = 30_000)]
    public async Task Non_json_content_type_is_415_and_charset_is_accepted()
    {
        var (status, body) = await EnvelopeAsync("""{"method":"info"}""", "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        JsonAssert.Equal("""{"error":"invalid_request","message":"Single-route endpoint expects JSON payloads"}""", body);
        var (ok, _) = await EnvelopeAsync("""{"method":"info"}""", "application/json; charset=utf-8");
        Assert.Equal(HttpStatusCode.OK, ok);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("{oops", "Invalid JSON payload")]
    [InlineData("""{"params":{}}""", "Missing method field")]
    [InlineData("""{"method":null}""", "Missing method field")]
    [InlineData("""{"method":""}""", "Missing method field")]
    [InlineData("""{"method":"INFO"}""", "Unsupported method 'INFO'")]
    [InlineData("""{"method":5}""", "Unsupported method '5'")]
    [InlineData("""{"method":"agent/run","body":{}}""", "Missing or invalid parameter 'agentId'")]
    [InlineData("""{"method":"agent/run","params":{"agentId":"  "},"body":{}}""", "Missing or invalid parameter 'agentId'")]
    [InlineData("""{"method":"agent/run","params":{"agentId":5},"body":{}}""", "Missing or invalid parameter 'agentId'")]
    [InlineData("""{"method":"agent/run","params":{"agentId":"default"}}""", "Missing request body for JSON handler")]
    [InlineData("""{"method":"agent/connect","params":{"agentId":"default"},"body":null}""", "Missing request body for JSON handler")]
    [InlineData("""{"method":"agent/stop","params":{"agentId":"default"}}""", "Missing or invalid parameter 'threadId'")]
    [InlineData("""{"method":"transcribe"}""", "Missing request body for JSON handler")]
    public async Task Envelope_errors_are_400_invalid_request(string json, string message)
    {
        var (status, body) = await EnvelopeAsync(json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal($$"""{"error":"invalid_request","message":{{JsonValue.Create(message).ToJsonString()}}}""", body);
    }

    [Fact(Timeout = 30_000)]
    public async Task Run_envelope_streams_exactly_as_rest()
    {
        var (rest, restFrames) = await _host.PostSseAsync($"{RuntimeTestHost.BasePath}/agent/default/run", RuntimeTestHost.Input("single-a", "r1"), Ct);
        var (single, singleFrames) = await _host.PostSseAsync(S, $$"""{"method":"agent/run","params":{"agentId":"default"},"body":{{RuntimeTestHost.Input("single-b", "r1")}}}""", Ct);
        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        Assert.Equal("text/event-stream", single.Content.Headers.ContentType?.ToString());
        Assert.Equal(restFrames.Select(f => f.Data!.Replace("single-a", "single-b", StringComparison.Ordinal)), singleFrames.Select(f => f.Data));
    }

    [Fact(Timeout = 30_000)]
    public async Task Run_envelope_with_unknown_agent_is_404()
    {
        var (status, body) = await EnvelopeAsync($$"""{"method":"agent/run","params":{"agentId":"nope"},"body":{{RuntimeTestHost.Input("t", "r")}}}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal("""{"error":"Agent not found","message":"Agent 'nope' does not exist"}""", body);
    }

    [Fact(Timeout = 30_000)]
    public async Task Connect_and_stop_envelopes_work_like_rest()
    {
        await _host.PostSseAsync(S, $$"""{"method":"agent/run","params":{"agentId":"default"},"body":{{RuntimeTestHost.Input("single-c", "r1")}}}""", Ct);
        var (_, replay) = await _host.PostSseAsync(S, $$"""{"method":"agent/connect","params":{"agentId":"default"},"body":{{RuntimeTestHost.Input("single-c", "c")}}}""", Ct);
        Assert.Equal(["RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED"], replay.Types());

        var (status, stop) = await EnvelopeAsync("""{"method":"agent/stop","params":{"agentId":"default","threadId":"single-c"}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal("""{"stopped":false,"message":"No active run for thread 'single-c'."}""", stop);
        var (_, scoped) = await EnvelopeAsync("""{"method":"agent/stop","params":{"agentId":"default","threadId":"single-c"},"body":{"runId":"r9"}}""");
        JsonAssert.Equal("""{"stopped":false,"message":"Run 'r9' is not the active run for thread 'single-c'."}""", scoped);
    }

    [Fact(Timeout = 30_000)]
    public async Task Body_given_as_a_json_string_is_parsed_as_the_request_body()
    {
        var inner = JsonValue.Create(RuntimeTestHost.Input("single-string", "r1")).ToJsonString();
        var (_, frames) = await _host.PostSseAsync(S, $$"""{"method":"agent/run","params":{"agentId":"default"},"body":{{inner}}}""", Ct);
        Assert.Equal("RUN_FINISHED", frames.Types()[^1]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Paths_outside_the_single_route_are_404()
    {
        var (status, body) = await EnvelopeAsync("""{"method":"info"}""", path: "/other");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Null(body); // not ours: nothing is mapped there
        var (boundary, _) = await EnvelopeAsync("""{"method":"info"}""", path: "/api/copilotkit-singleX");
        Assert.Equal(HttpStatusCode.NotFound, boundary);
    }
}
