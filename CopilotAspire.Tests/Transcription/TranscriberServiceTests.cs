using System.Net;
using System.Text.Json;
using CopilotAspire.Transcriber.Engine;
using static CopilotAspire.Tests.Transcription.TranscriberForms;

namespace CopilotAspire.Tests.Transcription;

/// <summary>The Transcriber's OpenAI-compatible API over real HTTP on loopback, with the tone engine.</summary>
[Kind(TestKind.Fast)]
public sealed class TranscriberServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Json_response_is_the_transcript_text()
    {
        await using var server = await TranscriberTestServer.StartAsync(new ToneSpeechEngine());
        using var response = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = await response.JsonAsync();
        Assert.Equal("samples=16000 rate=16000 channels=1 bits=16 hz=440", json.GetProperty("text").GetString());
        Assert.Single(json.EnumerateObject());
    }

    [Fact]
    public async Task Text_response_is_plain_text()
    {
        await using var server = await TranscriberTestServer.StartAsync(new ToneSpeechEngine());
        using var response = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16), fields: ("response_format", "text")));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("samples=16000 rate=16000 channels=1 bits=16 hz=440", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Verbose_json_has_language_duration_and_segments()
    {
        var engine = new ToneSpeechEngine();
        await using var server = await TranscriberTestServer.StartAsync(engine);
        using var response = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16, seconds: 2),
            fields: [("response_format", "verbose_json"), ("language", "de"), ("prompt", "Tonleiter"), ("temperature", "0.2")]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal("transcribe", json.GetProperty("task").GetString());
        Assert.Equal("de", json.GetProperty("language").GetString());
        Assert.Equal(2.0, json.GetProperty("duration").GetDouble());
        Assert.Equal("samples=32000 rate=16000 channels=1 bits=16 hz=440", json.GetProperty("text").GetString());
        var segment = Assert.Single(json.GetProperty("segments").EnumerateArray().ToList());
        Assert.Equal(0, segment.GetProperty("id").GetInt32());
        Assert.Equal(0.0, segment.GetProperty("start").GetDouble());
        Assert.Equal(2.0, segment.GetProperty("end").GetDouble());
        Assert.Equal(" samples=32000 rate=16000 channels=1 bits=16 hz=440", segment.GetProperty("text").GetString());

        // The request's parameters reach the engine through SpeechToTextOptions.
        Assert.Equal("de", engine.LastOptions?.SpeechLanguage);
        Assert.Equal("whisper-1", engine.LastOptions?.ModelId);
        Assert.Equal(16000, engine.LastOptions?.SpeechSampleRate);
        Assert.Equal("Tonleiter", engine.LastOptions?.AdditionalProperties?["prompt"]);
        Assert.Equal(0.2f, engine.LastOptions?.AdditionalProperties?["temperature"]);
    }

    [Fact]
    public async Task Srt_and_vtt_are_timed_subtitles()
    {
        await using var server = await TranscriberTestServer.StartAsync(new ToneSpeechEngine());
        using var srt = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16), fields: ("response_format", "srt")));
        using var vtt = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16), fields: ("response_format", "vtt")));

        Assert.Equal("1\n00:00:00,000 --> 00:00:01,000\nsamples=16000 rate=16000 channels=1 bits=16 hz=440\n\n", await srt.Content.ReadAsStringAsync(Ct));
        Assert.Equal("text/vtt", vtt.Content.Headers.ContentType?.MediaType);
        Assert.Equal("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nsamples=16000 rate=16000 channels=1 bits=16 hz=440\n\n", await vtt.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("response_format", "xml")]
    [InlineData("temperature", "hot")]
    [InlineData("temperature", "1.5")]
    [InlineData("language", "english!")]
    public async Task Invalid_parameters_are_400_naming_the_parameter(string name, string value)
    {
        var engine = new ToneSpeechEngine();
        await using var server = await TranscriberTestServer.StartAsync(engine);
        using var response = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16), fields: (name, value)));

        var error = await response.ErrorAsync(400);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(name, error.GetProperty("param").GetString());
        Assert.Equal("invalid_value", error.GetProperty("code").GetString());
        Assert.Equal(0, engine.Calls);
    }

    [Fact]
    public async Task Missing_file_is_400()
    {
        await using var server = await TranscriberTestServer.StartAsync(new ToneSpeechEngine());
        using var form = new MultipartFormDataContent { { new StringContent("whisper-1"), "model" } };
        using var response = await server.Http.TranscribeAsync(form);

        var error = await response.ErrorAsync(400);
        Assert.Equal("file", error.GetProperty("param").GetString());
        Assert.Equal("missing_file", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_body_that_is_not_multipart_is_400()
    {
        await using var server = await TranscriberTestServer.StartAsync(new ToneSpeechEngine());
        using var response = await server.Http.TranscribeAsync(new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        var error = await response.ErrorAsync(400);
        Assert.Equal("invalid_content_type", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Models_lists_the_served_model_in_the_OpenAI_shape()
    {
        await using var server = await TranscriberTestServer.StartAsync(new ToneSpeechEngine(),
            new Dictionary<string, string?> { ["Transcriber:ServedModelId"] = "whisper-local" });
        using var response = await server.Http.GetAsync("v1/models", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal("list", json.GetProperty("object").GetString());
        var model = Assert.Single(json.GetProperty("data").EnumerateArray().ToList());
        Assert.Equal("whisper-local", model.GetProperty("id").GetString());
        Assert.Equal("model", model.GetProperty("object").GetString());
        Assert.Equal("copilotaspire", model.GetProperty("owned_by").GetString());
        Assert.Equal(JsonValueKind.Number, model.GetProperty("created").ValueKind);
    }

    [Fact]
    public async Task Health_follows_the_engine_from_loading_to_ready()
    {
        var engine = new ToneSpeechEngine { Status = new SpeechEngineStatus(SpeechEngineState.Loading, "Loading the Whisper model '/models/ggml-base.bin'.") };
        await using var server = await TranscriberTestServer.StartAsync(engine);

        using (var health = await server.Http.GetAsync("health", Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal("Unhealthy", await health.Content.ReadAsStringAsync(Ct));
        }
        using (var response = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16))))
        {
            var error = await response.ErrorAsync(503);
            Assert.Equal("model_loading", error.GetProperty("code").GetString());
            Assert.Contains("/models/ggml-base.bin", error.GetProperty("message").GetString());
            Assert.Equal("5", response.Headers.RetryAfter?.ToString());
        }

        engine.Status.Set(SpeechEngineState.Ready, "loaded");
        using (var health = await server.Http.GetAsync("health", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Healthy", await health.Content.ReadAsStringAsync(Ct));
        }
        using var ok = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16)));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task A_model_that_failed_to_load_makes_health_unhealthy_and_requests_503_naming_the_path()
    {
        var engine = new ToneSpeechEngine
        {
            Status = new SpeechEngineStatus(SpeechEngineState.Failed, "The Whisper model file '/data/ggml-small.bin' is not a ggml model."),
        };
        await using var server = await TranscriberTestServer.StartAsync(engine);

        using var health = await server.Http.GetAsync("health", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using var response = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16)));
        var error = await response.ErrorAsync(503);
        Assert.Equal("engine_unavailable", error.GetProperty("code").GetString());
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.Contains("'/data/ggml-small.bin'", error.GetProperty("message").GetString());
        Assert.False(response.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task With_a_missing_model_file_the_shipped_engine_starts_unhealthy_and_answers_503_naming_it()
    {
        // No engine swapped in: the Whisper.net engine every build ships.
        await using var server = await TranscriberTestServer.StartAsync(engine: null,
            new Dictionary<string, string?> { ["Whisper:ModelPath"] = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.bin") });

        using var health = await server.Http.GetAsync("health", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using var response = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16)));
        var error = await response.ErrorAsync(503);
        Assert.Contains("missing-", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task When_slots_and_queue_are_full_the_next_request_gets_429_with_Retry_After()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = new ToneSpeechEngine { Gate = release.Task };
        await using var server = await TranscriberTestServer.StartAsync(engine, new Dictionary<string, string?>
        {
            ["Transcriber:MaxConcurrentTranscriptions"] = "1",
            ["Transcriber:MaxQueuedTranscriptions"] = "1",
            ["Transcriber:RetryAfterSeconds"] = "7",
        });
        var wav = TestAudio.SineWav(16000, 1, 16);

        // The first request holds the only engine slot.
        var first = server.Http.TranscribeAsync(Form(wav));
        await engine.Entered.WaitAsync(Ct);

        // Two more compete for the one queue place: exactly one is admitted (and waits), the other is refused at once.
        var second = server.Http.TranscribeAsync(Form(wav));
        var third = server.Http.TranscribeAsync(Form(wav));
        var refused = await Task.WhenAny(second, third);
        var queued = refused == second ? third : second;

        using (var response = await refused)
        {
            var error = await response.ErrorAsync(429);
            Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
            Assert.Equal("7", response.Headers.RetryAfter?.ToString());
        }
        Assert.False(queued.IsCompleted);

        release.SetResult();
        using var firstResponse = await first;
        using var queuedResponse = await queued;
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, queuedResponse.StatusCode);
        Assert.Equal(2, engine.Calls);

        // Capacity is back once they finish.
        using var after = await server.Http.TranscribeAsync(Form(wav));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
