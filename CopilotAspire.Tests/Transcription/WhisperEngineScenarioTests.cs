using System.Net;
using CopilotAspire.Tests.Infrastructure;
using CopilotAspire.Transcriber.Engine.Whisper;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using static CopilotAspire.Tests.Transcription.TranscriberForms;

namespace CopilotAspire.Tests.Transcription;

/// <summary>
/// The Transcriber with the real Whisper.net engine on <see cref="GeneratedWhisperModel"/>: speech and tones in every
/// container, language rules, one slot held until the native run ends, saturation, a model file that changes under
/// the service, and a real process stopped mid-transcription.
/// </summary>
[Kind(TestKind.Process)]
public sealed class WhisperEngineScenarioTests : TempDirectoryTest
{
    private const string Spoken = "hello from copilot aspire";

    private static readonly Dictionary<string, string?> OneSlot = new()
    {
        ["Transcriber:MaxConcurrentTranscriptions"] = "1",
        ["Transcriber:MaxQueuedTranscriptions"] = "0",
    };

    private static Task<TranscriberTestServer> StartAsync(string modelPath, IDictionary<string, string?>? settings = null, CapturingLoggerProvider? logs = null) =>
        TranscriberTestServer.StartWhisperAsync(modelPath, settings, logs);

    [Theory]
    [InlineData("speech.wav", "audio/wav", new string[0])]                               // espeak-ng's own 22.05 kHz
    [InlineData("speech.wav", "audio/wav", new[] { "-ar", "8000" })]
    [InlineData("speech.wav", "audio/wav", new[] { "-ar", "48000", "-ac", "2" })]
    [InlineData("speech.webm", "audio/webm", new[] { "-c:a", "libopus" })]              // what a browser's MediaRecorder sends
    [InlineData("speech.ogg", "audio/ogg", new[] { "-c:a", "libopus" })]
    public async Task Spoken_audio_in_every_container_reaches_the_engine_and_comes_back_as_the_models_text(string fileName, string type, string[] codec)
    {
        var speech = await TestAudio.SpeechAsync(Spoken, Ct);
        var upload = codec.Length == 0 && fileName.EndsWith(".wav", StringComparison.Ordinal) ? speech : await TestAudio.FfmpegConvertAsync(speech, fileName, Ct, codec);
        await using var server = await StartAsync(GeneratedWhisperModel.DefaultPath);

        using var response = await server.Http.TranscribeAsync(Form(upload, fileName, type, ("response_format", "verbose_json")));

        var json = await response.JsonAsync();
        Assert.Equal(GeneratedWhisperModel.DefaultText, json.GetProperty("text").GetString());
        Assert.Equal("en", json.GetProperty("language").GetString());
        var duration = json.GetProperty("duration").GetDouble();
        Assert.InRange(duration, 1.0, 5.0); // espeak-ng says the sentence in about 2 s
        var segment = Assert.Single(json.GetProperty("segments").EnumerateArray());
        Assert.InRange(segment.GetProperty("end").GetDouble(), 0.02, duration);
    }

    [Theory]
    [InlineData(8000, 1, 16)]
    [InlineData(16000, 1, 16)]
    [InlineData(44100, 2, 24)]
    [InlineData(48000, 1, 32)]
    public async Task Tones_at_every_rate_are_transcribed_and_segments_never_end_after_the_audio(int rate, int channels, int bits)
    {
        await using var server = await StartAsync(GeneratedWhisperModel.DefaultPath);

        // The generated model stamps its segment at 1 s: a shorter clip gets it cut at its own end.
        using var response = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(rate, channels, bits, seconds: 0.5), fields: ("response_format", "verbose_json")));

        var json = await response.JsonAsync();
        Assert.Equal(GeneratedWhisperModel.DefaultText, json.GetProperty("text").GetString());
        Assert.Equal(0.5, json.GetProperty("duration").GetDouble());
        Assert.Equal(0.5, Assert.Single(json.GetProperty("segments").EnumerateArray()).GetProperty("end").GetDouble());
    }

    [Fact]
    public async Task A_language_the_engine_does_not_know_is_400_and_a_known_one_is_used()
    {
        await using var server = await StartAsync(GeneratedWhisperModel.DefaultPath);

        using (var unknown = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16), fields: ("language", "xx"))))
        {
            var error = await unknown.ErrorAsync(400);
            Assert.Equal("language", error.GetProperty("param").GetString());
            Assert.Contains("'xx'", error.GetProperty("message").GetString());
        }

        using var german = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16),
            fields: [("response_format", "verbose_json"), ("language", "de"), ("prompt", "Guten Tag"), ("temperature", "0.4")]));
        var json = await german.JsonAsync();
        Assert.Equal("de", json.GetProperty("language").GetString());
        Assert.Equal(GeneratedWhisperModel.DefaultText, json.GetProperty("text").GetString());
    }

    [Fact]
    public async Task The_prompt_reaches_whisper_cpp()
    {
        await using var server = await StartAsync(GeneratedWhisperModel.DefaultPath);

        // The generated model answers a prompt containing its marker word by saying another word first.
        using var prompted = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16),
            fields: ("prompt", $"A {GeneratedWhisperModel.PromptMarker} crossed the road.")));
        Assert.Equal($"{GeneratedWhisperModel.PromptedWord} {GeneratedWhisperModel.DefaultText}", (await prompted.JsonAsync()).GetProperty("text").GetString());

        using var plain = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16), fields: ("prompt", "A horse crossed the road.")));
        Assert.Equal(GeneratedWhisperModel.DefaultText, (await plain.JsonAsync()).GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_cancelled_transcription_holds_its_slot_until_the_native_run_ends_then_frees_it()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await StartAsync(GeneratedWhisperModel.DefaultPath, OneSlot, logs);
        using var caller = new CancellationTokenSource();

        // Five minutes of audio: ten 30 s windows, far longer than the steps below.
        var running = server.Http.PostAsync("v1/audio/transcriptions", Form(TestAudio.SineWav(16000, 1, 16, seconds: 300)), caller.Token);
        await logs.WaitForAsync(e => e.Message.StartsWith("Whisper run started", StringComparison.Ordinal), Ct);

        using (var busy = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16))))
        {
            await busy.ErrorAsync(429);
            Assert.Equal("5", busy.Headers.GetValues("Retry-After").Single());
        }

        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        await logs.WaitForAsync(e => e.Message.Contains("aborted by the client", StringComparison.Ordinal), Ct);

        // The request left the endpoint (and its slot) only after the native run had ended.
        var entries = logs.Entries.ToList();
        var ended = entries.FindIndex(e => e.Message.StartsWith("Whisper run ended", StringComparison.Ordinal) && e.Message.Contains("cancelled: True", StringComparison.Ordinal));
        var aborted = entries.FindIndex(e => e.Message.Contains("aborted by the client", StringComparison.Ordinal));
        Assert.InRange(ended, 0, aborted);

        using var next = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16)));
        Assert.Equal(GeneratedWhisperModel.DefaultText, (await next.JsonAsync()).GetProperty("text").GetString());
    }

    [Fact]
    public async Task The_model_file_changing_or_vanishing_after_the_load_does_not_disturb_the_service()
    {
        var model = Path.Combine(Dir.FullName, "ggml-moving.bin");
        File.Copy(GeneratedWhisperModel.DefaultPath, model);
        await using var server = await StartAsync(model);

        await File.WriteAllBytesAsync(model, new byte[1024], Ct); // overwritten with garbage
        using (var first = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16))))
        {
            Assert.Equal(GeneratedWhisperModel.DefaultText, (await first.JsonAsync()).GetProperty("text").GetString());
        }
        File.Delete(model);
        using (var second = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16))))
        {
            Assert.Equal(GeneratedWhisperModel.DefaultText, (await second.JsonAsync()).GetProperty("text").GetString());
        }
        using var health = await server.Http.GetAsync("health", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Stopping_the_Transcriber_process_mid_transcription_drains_it_and_exits_cleanly()
    {
        await using var process = await ApiProcess.StartAsync(new Dictionary<string, string>
        {
            ["Whisper__ModelPath"] = GeneratedWhisperModel.DefaultPath,
            ["Whisper__Threads"] = "1",
            ["Logging__LogLevel__CopilotAspire.Transcriber"] = "Debug",
        }, Ct, assembly: "CopilotAspire.Transcriber");
        await process.WaitForOutputAsync(line => line.Contains("Whisper model", StringComparison.Ordinal) && line.Contains("loaded", StringComparison.Ordinal), Ct);

        var running = process.Client.PostAsync("v1/audio/transcriptions", Form(TestAudio.SineWav(16000, 1, 16, seconds: 120)), Ct);
        await process.WaitForOutputAsync(line => line.Contains("Whisper run started", StringComparison.Ordinal), Ct);

        var exitCode = await process.StopAsync(Ct);

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{process.Output}");
        Assert.Contains("Whisper run ended", process.Output);
        using var response = await running; // drained: the running transcription was finished and answered
        Assert.StartsWith(GeneratedWhisperModel.DefaultText, (await response.JsonAsync()).GetProperty("text").GetString());
    }

    [Fact]
    public async Task Stopping_the_engine_refuses_new_work_and_waits_for_the_running_transcription()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await StartAsync(GeneratedWhisperModel.DefaultPath, new Dictionary<string, string?>
        {
            ["Transcriber:MaxConcurrentTranscriptions"] = "2",
        }, logs);
        var engine = Assert.IsType<WhisperSpeechEngine>(server.Services.GetRequiredService<ISpeechToTextClient>());
        var running = server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16, seconds: 90)));
        await logs.WaitForAsync(e => e.Message.StartsWith("Whisper run started", StringComparison.Ordinal), Ct);

        await engine.StopAsync(Ct);

        // StopAsync returned only after the run had ended (the factory may now be disposed safely)...
        Assert.Contains(logs.Entries, e => e.Message.StartsWith("Shutting down: waiting for 1 running", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Message.StartsWith("Whisper run ended", StringComparison.Ordinal));
        using (var response = await running)
        {
            Assert.StartsWith(GeneratedWhisperModel.DefaultText, (await response.JsonAsync()).GetProperty("text").GetString());
        }
        // ...and nothing new is admitted.
        using var refused = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16)));
        Assert.Contains("shutting down", (await refused.ErrorAsync(503)).GetProperty("message").GetString());
    }

    /// <summary>Opt-in: set <c>COPILOTASPIRE_WHISPER_MODEL</c> to a real ggml model (e.g. ggml-base.en.bin) to check real accuracy.</summary>
    [Fact]
    public async Task With_a_real_model_spoken_words_are_recognised()
    {
        var model = Environment.GetEnvironmentVariable("COPILOTASPIRE_WHISPER_MODEL");
        Assert.SkipWhen(string.IsNullOrWhiteSpace(model),
            "Set COPILOTASPIRE_WHISPER_MODEL to a real ggml Whisper model file to run the accuracy test.");
        await using var server = await StartAsync(model!);

        using var response = await server.Http.TranscribeAsync(Form(await TestAudio.SpeechAsync("The quick brown fox jumps over the lazy dog.", Ct), "speech.wav"));

        var text = (await response.JsonAsync()).GetProperty("text").GetString()!.ToLowerInvariant();
        Assert.Contains("quick brown fox", text);
        Assert.Contains("lazy dog", text);
    }
}
