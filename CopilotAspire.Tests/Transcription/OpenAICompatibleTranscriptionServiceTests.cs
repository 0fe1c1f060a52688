using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CopilotAspire.Runtime.Transcription;
using CopilotAspire.Tests.Infrastructure;
using CopilotAspire.Transcriber.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using static CopilotAspire.Tests.Transcription.RuntimeTranscribeHost;

namespace CopilotAspire.Tests.Transcription;

/// <summary>
/// The runtime's OpenAI-compatible transcription service against the real Transcriber on loopback (tone engine):
/// browser → runtime <c>/transcribe</c> → Transcriber <c>/v1/audio/transcriptions</c> → engine, and each failure of the
/// Transcriber mapped to the runtime's error body.
/// </summary>
[Kind(TestKind.Fast)]
public sealed class OpenAICompatibleTranscriptionServiceTests
{
    private const string Rest = "api/copilotkit/transcribe";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Settings(Uri transcriber, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?> { ["Endpoint"] = new Uri(transcriber, "v1").ToString() };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return settings;
    }

    [Fact]
    public async Task Runtime_transcribes_through_the_Transcriber()
    {
        var engine = new ToneSpeechEngine();
        await using var transcriber = await TranscriberTestServer.StartAsync(engine);
        var requests = new RecordingHandler();
        await using var runtime = await RuntimeTranscribeHost.StartAsync(null,
            Settings(transcriber.BaseAddress, ("Model", "whisper-local"), ("Language", "fr"), ("ApiKey", "sk-test-key")),
            services => services.AddHttpClient(OpenAICompatibleTranscriptionService.HttpClientName).AddHttpMessageHandler(() => requests));

        using var response = await runtime.Client.PostAsync(Rest, Recording(TestAudio.SineWav(44100, 2, 16)), Ct);

        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("samples=16000 rate=16000 channels=1 bits=16 hz=440", json.RootElement.GetProperty("text").GetString());
        Assert.Equal("audio/wav", json.RootElement.GetProperty("type").GetString());

        // What went over the wire to the Transcriber: OpenAI's request shape.
        var sent = Assert.Single(requests.Requests);
        Assert.Equal(new Uri(transcriber.BaseAddress, "v1/audio/transcriptions"), sent.Uri);
        Assert.Equal("Bearer sk-test-key", sent.Authorization);
        Assert.Equal("whisper-local", engine.LastOptions?.ModelId);
        Assert.Equal("fr", engine.LastOptions?.SpeechLanguage);
    }

    [Fact]
    public async Task Info_reports_transcription_only_when_an_endpoint_is_configured()
    {
        await using var transcriber = await TranscriberTestServer.StartAsync(new ToneSpeechEngine());
        await using (var enabled = await RuntimeTranscribeHost.StartAsync(null, Settings(transcriber.BaseAddress)))
        {
            Assert.IsType<OpenAICompatibleTranscriptionService>(enabled.Services.GetService<TranscriptionService>());
            Assert.True(await AudioEnabledAsync(enabled));
        }
        await using var disabled = await RuntimeTranscribeHost.StartAsync(null, new Dictionary<string, string?> { ["Model"] = "whisper-1" });
        Assert.Null(disabled.Services.GetService<TranscriptionService>());
        Assert.False(await AudioEnabledAsync(disabled));
        using var response = await disabled.Client.PostAsync(Rest, Recording([1, 2, 3]), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);

        static async Task<bool> AudioEnabledAsync(RuntimeTestHost host)
        {
            using var info = JsonDocument.Parse(await host.Client.GetStringAsync("api/copilotkit/info", Ct));
            return info.RootElement.GetProperty("audioFileTranscriptionEnabled").GetBoolean();
        }
    }

    [Fact]
    public async Task The_max_bytes_setting_is_the_handlers_limit()
    {
        await using var transcriber = await TranscriberTestServer.StartAsync(new ToneSpeechEngine());
        await using var runtime = await RuntimeTranscribeHost.StartAsync(null, Settings(transcriber.BaseAddress, ("MaxBytes", "2048")));

        using var response = await runtime.Client.PostAsync(Rest, Recording(new byte[4096]), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("""{"error":"audio_too_large","message":"Audio file exceeds the limit of 2048 bytes","retryable":false}""",
            await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_busy_Transcriber_is_429_rate_limited()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = new ToneSpeechEngine { Gate = release.Task };
        await using var transcriber = await TranscriberTestServer.StartAsync(engine, new Dictionary<string, string?>
        {
            ["Transcriber:MaxConcurrentTranscriptions"] = "1",
            ["Transcriber:MaxQueuedTranscriptions"] = "0",
        });
        await using var runtime = await RuntimeTranscribeHost.StartAsync(null, Settings(transcriber.BaseAddress));
        var wav = TestAudio.SineWav(16000, 1, 16);

        var first = runtime.Client.PostAsync(Rest, Recording(wav), Ct);
        await engine.Entered.WaitAsync(Ct);
        using (var busy = await runtime.Client.PostAsync(Rest, Recording(wav), Ct))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, busy.StatusCode);
            Assert.Equal("""{"error":"rate_limited","message":"Rate limited. Please try again later.","retryable":true}""", await busy.Content.ReadAsStringAsync(Ct));
        }
        release.SetResult();
        using var done = await first;
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
    }

    [Theory]
    [InlineData(SpeechEngineState.Loading)]
    [InlineData(SpeechEngineState.Failed)]
    public async Task A_Transcriber_whose_model_is_not_ready_is_503_provider_error_with_its_reason(SpeechEngineState state)
    {
        var engine = new ToneSpeechEngine { Status = new SpeechEngineStatus(state, "Whisper model '/models/ggml-base.bin' not ready.") };
        await using var transcriber = await TranscriberTestServer.StartAsync(engine);
        await using var runtime = await RuntimeTranscribeHost.StartAsync(null, Settings(transcriber.BaseAddress));

        using var response = await runtime.Client.PostAsync(Rest, Recording(TestAudio.SineWav(16000, 1, 16)), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("""{"error":"provider_error","message":"The transcription provider answered 503: Whisper model '/models/ggml-base.bin' not ready.","retryable":true}""",
            await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Corrupt_audio_is_400_invalid_audio_format_and_long_audio_400_audio_too_long()
    {
        await using var transcriber = await TranscriberTestServer.StartAsync(new ToneSpeechEngine(),
            new Dictionary<string, string?> { ["Transcriber:MaxAudioSeconds"] = "1", ["Transcriber:FfmpegPath"] = "/nonexistent/ffmpeg" });
        await using var runtime = await RuntimeTranscribeHost.StartAsync(null, Settings(transcriber.BaseAddress));

        using (var corrupt = await runtime.Client.PostAsync(Rest, Recording(TestAudio.SineWav(16000, 1, 16)[..30]), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, corrupt.StatusCode);
            Assert.Equal("""{"error":"invalid_audio_format","message":"The transcription provider answered 400: The WAV file's format chunk is truncated.","retryable":false}""",
                await corrupt.Content.ReadAsStringAsync(Ct));
        }
        using (var webm = await runtime.Client.PostAsync(Rest, Recording([0x1A, 0x45, 0xDF, 0xA3, 0, 0, 0, 0], "audio/webm"), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, webm.StatusCode); // the Transcriber's 415 (needs ffmpeg)
            Assert.Contains("needs ffmpeg", await webm.Content.ReadAsStringAsync(Ct));
        }
        using var tooLong = await runtime.Client.PostAsync(Rest, Recording(TestAudio.SineWav(8000, 1, 16, seconds: 3)), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal("""{"error":"audio_too_long","message":"Audio file is too long","retryable":false}""", await tooLong.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task An_upload_the_Transcriber_finds_too_large_is_413()
    {
        await using var transcriber = await TranscriberTestServer.StartAsync(new ToneSpeechEngine(),
            new Dictionary<string, string?> { ["Transcriber:MaxUploadBytes"] = "8192" });
        await using var runtime = await RuntimeTranscribeHost.StartAsync(null, Settings(transcriber.BaseAddress));

        using var response = await runtime.Client.PostAsync(Rest, Recording(TestAudio.SineWav(16000, 1, 16)), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.StartsWith("""{"error":"audio_too_large","message":"The transcription provider answered 413: """, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task An_unreachable_provider_is_502_network_error()
    {
        // A port that was just free: nothing listens there.
        var port = FreePort.Next();
        await using var runtime = await RuntimeTranscribeHost.StartAsync(null, new Dictionary<string, string?> { ["Endpoint"] = $"http://127.0.0.1:{port}/v1" });

        using var response = await runtime.Client.PostAsync(Rest, Recording([1, 2, 3]), Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.StartsWith("""{"error":"network_error","message":"The transcription provider could not be reached: """, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_provider_that_does_not_answer_in_time_is_502_network_error()
    {
        // The resilience pipeline's timeout (Polly's TimeoutRejectedException), not HttpClient's, ends the wait.
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = new ToneSpeechEngine { Gate = never.Task };
        await using var transcriber = await TranscriberTestServer.StartAsync(engine);
        await using var runtime = await RuntimeTranscribeHost.StartAsync(null, Settings(transcriber.BaseAddress, ("TimeoutSeconds", "1")));

        HttpStatusCode status;
        string body;
        try
        {
            using var response = await runtime.Client.PostAsync(Rest, Recording(TestAudio.SineWav(16000, 1, 16)), Ct);
            (status, body) = (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        }
        finally
        {
            never.TrySetResult(); // the Transcriber's request ends before the servers are disposed
        }

        Assert.Equal(1, engine.Calls); // the request reached the engine and was held there: a timeout, not a refusal
        Assert.True(status == HttpStatusCode.BadGateway, $"{(int)status} {body}");
        Assert.Equal("""{"error":"network_error","message":"The transcription provider did not answer within 1 s.","retryable":true}""", body);
    }

    [Theory]
    [InlineData(401, """{"error":"auth_failed","message":"Authentication failed with transcription provider","retryable":false}""")]
    [InlineData(403, """{"error":"auth_failed","message":"Authentication failed with transcription provider","retryable":false}""")]
    [InlineData(429, """{"error":"rate_limited","message":"Rate limited. Please try again later.","retryable":true}""")]
    [InlineData(500, """{"error":"provider_error","message":"The transcription provider answered 500: Incorrect API key provided: sk-a***","retryable":true}""")]
    [InlineData(504, """{"error":"network_error","message":"The transcription provider answered 504: Incorrect API key provided: sk-a***","retryable":true}""")]
    public async Task OpenAI_error_statuses_map_to_error_codes_and_the_key_never_reaches_a_log(int status, string expected)
    {
        await using var openAi = await FakeOpenAiServer.StartAsync(Ct);
        openAi.EnqueueTranscription(TranscriptionReply.Error(status, "Incorrect API key provided: sk-a***"));
        var logs = new CapturingLoggerProvider();
        await using var runtime = await RuntimeTranscribeHost.StartAsync(null,
            new Dictionary<string, string?> { ["Endpoint"] = openAi.OpenAiBaseUrl, ["ApiKey"] = "sk-secret-key-1234" },
            services => services.AddLogging(logging => logging.AddProvider(logs)));

        using var response = await runtime.Client.PostAsync(Rest, Recording([1, 2, 3], "audio/webm;codecs=opus"), Ct);

        Assert.Equal(expected, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(status is 403 ? 401 : status is 504 ? 502 : status, (int)response.StatusCode);
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, line => line.Contains("sk-secret-key-1234", StringComparison.Ordinal));

        // OpenAI's request shape: multipart file + model + response_format, bearer key.
        var sent = Assert.Single(openAi.Requests);
        Assert.Equal("/v1/audio/transcriptions", sent.Path);
        Assert.Equal("whisper-1", sent.Form["model"]);
        Assert.Equal("json", sent.Form["response_format"]);
        Assert.Equal("Bearer sk-secret-key-1234", sent.Headers["Authorization"]);
    }

    [Fact]
    public async Task An_invalid_endpoint_stops_the_host_from_starting()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            RuntimeTranscribeHost.StartAsync(null, new Dictionary<string, string?> { ["Endpoint"] = "transcriber/v1" }));
        Assert.Contains("Endpoint", ex.Message);
    }

    private sealed record SentRequest(Uri? Uri, string? Authorization);

    /// <summary>Notes each request, then lets it through to the real server.</summary>
    private sealed class RecordingHandler : DelegatingHandler
    {
        public System.Collections.Concurrent.ConcurrentQueue<SentRequest> Requests { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(new SentRequest(request.RequestUri, request.Headers.Authorization?.ToString()));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
