using System.Net;
using System.Text.Json;
using static CopilotAspire.Tests.Transcription.TranscriberForms;

namespace CopilotAspire.Tests.Transcription;

/// <summary>
/// The real Whisper.net engine on a ggml model that the test generates (<see cref="GeneratedWhisperModel"/>): no
/// model is downloaded, and the generated model transcribes every clip to a known text.
/// </summary>
[Kind(TestKind.Fast)]
public sealed class WhisperEngineTranscriberTests : TempDirectoryTest
{
    private static Task<TranscriberTestServer> StartWithModelAsync(string modelPath, int concurrency = 1) =>
        TranscriberTestServer.StartWhisperAsync(modelPath, new Dictionary<string, string?> { ["Transcriber:MaxConcurrentTranscriptions"] = $"{concurrency}" });

    [Fact]
    public async Task The_real_engine_transcribes_a_clip_with_the_generated_model_to_its_known_text()
    {
        await using var server = await StartWithModelAsync(GeneratedWhisperModel.DefaultPath);

        using (var health = await server.Http.GetAsync("health", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        using var response = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16, seconds: 2), fields: ("response_format", "verbose_json")));

        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(GeneratedWhisperModel.DefaultText, json.RootElement.GetProperty("text").GetString());
        Assert.Equal("en", json.RootElement.GetProperty("language").GetString());
        Assert.Equal(2.0, json.RootElement.GetProperty("duration").GetDouble());
        var segment = Assert.Single(json.RootElement.GetProperty("segments").EnumerateArray());
        Assert.Equal(0.0, segment.GetProperty("start").GetDouble());
        Assert.Equal(GeneratedWhisperModel.DefaultSegmentEnd.TotalSeconds, segment.GetProperty("end").GetDouble());
    }

    [Fact]
    public async Task A_model_generated_for_another_text_transcribes_to_that_text()
    {
        var model = Path.Combine(Dir.FullName, "ggml-other.bin");
        await GeneratedWhisperModel.WriteAsync(model, "the quick brown fox", cancellationToken: Ct);
        await using var server = await StartWithModelAsync(model);

        using var response = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(44100, 2, 16, seconds: 1.5)));

        var json = await response.JsonAsync();
        Assert.Equal("the quick brown fox", json.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Concurrent_requests_each_get_their_own_processor_and_only_their_own_transcript()
    {
        await using var server = await StartWithModelAsync(GeneratedWhisperModel.DefaultPath, concurrency: 4);

        // Every other request carries the prompt that makes the model say another first word: a shared processor
        // would mix prompts and hand each request the others' segments too.
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16, seconds: 1 + i * 0.5),
                fields: [("response_format", "verbose_json"), ("prompt", i % 2 == 0 ? GeneratedWhisperModel.PromptMarker : "plain")]))));

        foreach (var (response, i) in responses.Select((r, i) => (r, i)))
        {
            using (response)
            {
                var json = await response.JsonAsync();
                var expected = i % 2 == 0 ? $"{GeneratedWhisperModel.PromptedWord} {GeneratedWhisperModel.DefaultText}" : GeneratedWhisperModel.DefaultText;
                Assert.Equal(expected, json.GetProperty("text").GetString());
                Assert.Single(json.GetProperty("segments").EnumerateArray());
                Assert.Equal(1 + i * 0.5, json.GetProperty("duration").GetDouble());
            }
        }
    }

    [Theory]
    [InlineData("zeros")]      // no ggml magic
    [InlineData("gguf")]       // another format's magic
    [InlineData("truncated")]  // the right magic, tensors cut off
    public async Task A_bad_model_leaves_the_service_up_unhealthy_and_answering_503_with_the_path(string kind)
    {
        var model = Path.Combine(Dir.FullName, $"ggml-{kind}.bin");
        var generated = await File.ReadAllBytesAsync(GeneratedWhisperModel.DefaultPath, Ct);
        await File.WriteAllBytesAsync(model, kind switch
        {
            "zeros" => new byte[4096],
            "gguf" => [.. "GGUF"u8, .. generated.AsSpan(4, 4096)],
            _ => generated[..(generated.Length / 2)],
        }, Ct);
        await using var server = await StartWithModelAsync(model);

        using var health = await server.Http.GetAsync("health", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using var response = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16)));
        var error = await response.ErrorAsync(503);
        Assert.Contains($"'{model}'", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_missing_model_without_auto_download_is_503_with_the_path()
    {
        var model = Path.Combine(Dir.FullName, "ggml-absent.bin");
        await using var server = await StartWithModelAsync(model);

        using var response = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16)));
        var error = await response.ErrorAsync(503);
        Assert.Contains($"'{model}'", error.GetProperty("message").GetString());
        Assert.False(File.Exists(model));
    }
}
