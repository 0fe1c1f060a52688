using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CopilotAspire.Tests.Infrastructure;
using CopilotAspire.Tests.Transcription;

namespace CopilotAspire.Tests.AppHost;

/// <summary>
/// The whole Aspire app run by Aspire.Hosting.Testing (<see cref="AspireAppFixture"/>): the Api through DCP's proxy
/// and each replica directly, Redis shared by the replicas, the Transcriber's real Whisper.net engine, the fake OpenAI
/// server behind <c>default</c>, the official <c>@ag-ui/client</c>, and the telemetry as the dashboard received it.
/// </summary>
public sealed class AspireAppTests(AspireAppFixture app) : IClassFixture<AspireAppFixture>
{
    private const string Base = "/api/copilotkit";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewThread() => "aspire-" + Guid.NewGuid().ToString("N")[..12];

    private static JsonObject Body(string threadId, string runId, string text) => RunBodies.Input(threadId, runId, text);

    private static async Task<IAsyncEnumerator<SseFrame>> OpenAsync(HttpClient client, string path, JsonObject body, string? lastEventId = null, string? traceParent = null)
    {
        var response = await AspireAppFixture.PostAsync(client, path, body, Ct, lastEventId, traceParent);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.ReadFramesAsync(Ct).GetAsyncEnumerator(Ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task Info_and_a_scripted_run_answer_through_the_Api_endpoint()
    {
        var info = JsonNode.Parse(await app.Api.GetStringAsync(Base + "/info", Ct))!;
        Assert.NotNull(info["agents"]!["scripted"]);
        Assert.NotNull(info["agents"]!["default"]);
        Assert.Equal(true, (bool?)info["audioFileTranscriptionEnabled"]);

        var thread = NewThread();
        await using var run = await OpenAsync(app.Api, Base + "/agent/scripted/run", Body(thread, "r1", "hello"));
        var frames = await run.ReadToEndAsync();
        Assert.Equal("RUN_STARTED", frames[0].Type);
        Assert.Equal("RUN_FINISHED", frames[^1].Type);
        Assert.Contains(frames, f => f.Type == "TEXT_MESSAGE_CONTENT");
    }

    [Fact(Timeout = 120_000)]
    public async Task A_run_on_replica_1_is_connected_resumed_and_stopped_through_replica_2_and_holds_its_thread()
    {
        var (one, two) = (app.Replicas[0], app.Replicas[1]);
        var thread = NewThread();
        var agent = Base + "/agent/scripted";

        await using var run = await OpenAsync(one, agent + "/run", Body(thread, "r1", "tokens:3000 delay:10"));
        var runFrames = await run.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");
        await using var connect = await OpenAsync(two, agent + "/connect", Body(thread, "c1", ""));
        var connectFrames = await connect.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");
        var resumeAfter = connectFrames[0].Id!;
        await using var resumed = await OpenAsync(two, agent + "/connect", Body(thread, "c2", ""), lastEventId: resumeAfter);
        var resumedFrames = await resumed.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");

        // One run per thread across replicas: the other replica's run on the busy thread is an empty stream.
        using (var busy = await AspireAppFixture.PostAsync(two, agent + "/run", Body(thread, "r2", "hello"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, busy.StatusCode);
            Assert.Empty(await busy.ReadFramesAsync(Ct).ToListAsync(Ct));
        }

        using (var stop = await AspireAppFixture.PostAsync(two, agent + "/stop/" + thread, null, Ct))
        {
            Assert.Equal(true, (bool?)JsonNode.Parse(await stop.Content.ReadAsStringAsync(Ct))!["stopped"]);
        }
        runFrames.AddRange(await run.ReadToEndAsync());
        connectFrames.AddRange(await connect.ReadToEndAsync());
        resumedFrames.AddRange(await resumed.ReadToEndAsync());

        Assert.Equal(["TEXT_MESSAGE_END", "RUN_FINISHED"], runFrames.TakeLast(2).Select(f => f.Type));
        Assert.Equal(runFrames.Select(f => f.Data), connectFrames.Select(f => f.Data));
        Assert.Equal(connectFrames.Skip(1).Select(f => f.Data), resumedFrames.Select(f => f.Data));
        Assert.DoesNotContain(resumedFrames, f => f.Id == resumeAfter);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_default_agent_answers_through_the_fake_OpenAI_server_with_the_secret_key()
    {
        var thread = NewThread();
        await using var run = await OpenAsync(app.Api, Base + "/agent/default/run", Body(thread, "r1", "Say hello"));
        var frames = await run.ReadToEndAsync();

        Assert.Equal("RUN_FINISHED", frames[^1].Type);
        Assert.Equal(AspireAppFixture.DefaultAgentText, string.Concat(frames.Where(f => f.Type == "TEXT_MESSAGE_CONTENT").Select(f => (string?)f.Json["delta"])));
        Assert.Contains(app.OpenAi.Requests, r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)
            && r.Headers.TryGetValue("Authorization", out var auth) && auth == "Bearer " + AspireAppFixture.OpenAiKey);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_official_ag_ui_client_runs_against_the_Api_endpoint()
    {
        var thread = NewThread();
        var result = await NodeClient.RunScenarioAsync("run", new Uri(app.Api.BaseAddress!, Base).ToString(), "scripted", thread, "hello from node", Ct);
        var types = result.GetProperty("eventTypes").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Equal("RUN_STARTED", types[0]);
        Assert.Equal("RUN_FINISHED", types[^1]);
    }

    [Fact(Timeout = 120_000)]
    public async Task Transcribe_through_the_Api_reaches_the_Whisper_engine_in_the_Transcriber()
    {
        await app.WaitForTranscriberAsync(Ct);
        using var response = await TranscribeAsync(app.Api, TelemetryTrace.NewTraceParent().Header);

        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var json = JsonNode.Parse(body)!;
        Assert.Equal(GeneratedWhisperModel.DefaultText, (string?)json["text"]);
        Assert.Equal("audio/wav", (string?)json["type"]);
    }

    [Fact(Timeout = 120_000)]
    public async Task Telemetry_reaches_the_dashboard_over_OTLP_with_one_trace_from_the_Api_to_the_Transcriber()
    {
        var thread = NewThread();
        var scripted = TelemetryTrace.NewTraceParent();
        await using (var run = await OpenAsync(app.Api, Base + "/agent/scripted/run", Body(thread, "r-telemetry", "hello"), traceParent: scripted.Header))
        {
            await run.ReadToEndAsync();
        }
        var modelRun = TelemetryTrace.NewTraceParent();
        await using (var run = await OpenAsync(app.Api, Base + "/agent/default/run", Body(NewThread(), "r-model", "Say hello"), traceParent: modelRun.Header))
        {
            await run.ReadToEndAsync();
        }
        await app.WaitForTranscriberAsync(Ct);
        var transcribe = TelemetryTrace.NewTraceParent();
        using (var response = await TranscribeAsync(app.Api, transcribe.Header))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var dashboard = new TelemetryTrace(app.Dashboard);
        var request = await dashboard.WaitForSpanAsync("api", scripted.TraceId, s => s.Name == "copilot.request", Ct);
        Assert.Equal("scripted", request.Attributes.GetValueOrDefault("copilot.agent"));
        Assert.Equal(thread, request.Attributes.GetValueOrDefault("agui.thread_id"));
        Assert.Equal("r-telemetry", request.Attributes.GetValueOrDefault("agui.run_id"));

        var defaultRun = await dashboard.WaitForSpanAsync("api", modelRun.TraceId, s => s.Name == "copilot.request", Ct);
        var genAi = await dashboard.WaitForSpanAsync("api", modelRun.TraceId, s => s.Attributes.ContainsKey("gen_ai.operation.name"), Ct);
        Assert.Equal("default", defaultRun.Attributes.GetValueOrDefault("copilot.agent"));
        Assert.Equal("r-model", defaultRun.Attributes.GetValueOrDefault("agui.run_id"));
        Assert.Equal("chat", genAi.Attributes.GetValueOrDefault("gen_ai.operation.name"));

        // The trace id is the test's own (its traceparent), so finding both server spans under it proves one trace.
        var apiTranscribe = await dashboard.WaitForSpanAsync("api", transcribe.TraceId, s => s.Kind == ServerKind && Path(s) == Base + "/transcribe", Ct);
        var transcriberSpan = await dashboard.WaitForSpanAsync("transcriber", transcribe.TraceId, s => s.Kind == ServerKind && Path(s) == "/v1/audio/transcriptions", Ct);
        Assert.NotEqual(apiTranscribe.SpanId, transcriberSpan.ParentSpanId); // a client span of the Api's sits between them
        Assert.Equal(apiTranscribe.TraceId, transcriberSpan.TraceId);

        Assert.True(await dashboard.WaitForMetricsAsync("api", Ct), "the api replicas' metrics did not reach the dashboard");
    }

    private const int ServerKind = 2;

    private static string? Path(DashboardSpan span) => span.Attributes.GetValueOrDefault("url.path");

    private static async Task<HttpResponseMessage> TranscribeAsync(HttpClient client, string traceParent)
    {
        var audio = new ByteArrayContent(TestAudio.SineWav(16000, 1, 16));
        audio.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        using var request = new HttpRequestMessage(HttpMethod.Post, Base + "/transcribe") { Content = new MultipartFormDataContent { { audio, "audio", "clip.wav" } } };
        request.Headers.Add("traceparent", traceParent);
        return await client.SendAsync(request, Ct);
    }
}
