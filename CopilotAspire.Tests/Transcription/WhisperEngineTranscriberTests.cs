using System.Net;
using System.Text.Json;
using CopilotAspire.Transcriber.Engine.Whisper;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using static CopilotAspire.Tests.Transcription.TranscriberForms;

namespace CopilotAspire.Tests.Transcription;

/// <summary>
/// The real Whisper.net engine on a weight-less ggml model that the test
/// writes itself: no model is downloaded. The output of such a model is meaningless, so only shapes are asserted.
/// </summary>
public sealed class WhisperEngineTranscriberTests : TempDirectoryTest
{
    private async Task<TranscriberTestServer> StartWithModelAsync(string modelPath)
    {
        var server = await TranscriberTestServer.StartAsync(engine: null, new Dictionary<string, string?> { ["Whisper:ModelPath"] = modelPath });
        var engine = Assert.IsType<WhisperSpeechEngine>(server.Services.GetRequiredService<ISpeechToTextClient>());
        await engine.ExecuteTask!.WaitAsync(Ct); // the background model load
        return server;
    }

    [Fact]
    public async Task The_engine_loads_the_model_in_the_background_and_transcribes()
    {
        var model = Path.Combine(Dir.FullName, "ggml-test.bin");
        TinyGgmlModel.Write(model);
        await using var server = await StartWithModelAsync(model);

        using (var health = await server.Http.GetAsync("health", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        using var response = await server.Http.TranscribeAsync(Form(TestAudio.SineWav(48000, 2, 16), fields: ("response_format", "verbose_json")));

        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(JsonValueKind.String, json.RootElement.GetProperty("text").ValueKind);
        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("segments").ValueKind);
        Assert.Equal(1.0, json.RootElement.GetProperty("duration").GetDouble());
    }

    [Fact]
    public async Task Concurrent_requests_each_get_their_own_processor()
    {
        var model = Path.Combine(Dir.FullName, "ggml-test.bin");
        TinyGgmlModel.Write(model);
        await using var server = await StartWithModelAsync(model);

        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => server.Http.TranscribeAsync(Form(TestAudio.SineWav(16000, 1, 16)))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_corrupt_model_leaves_the_service_up_unhealthy_and_answering_503_with_the_path()
    {
        var model = Path.Combine(Dir.FullName, "ggml-corrupt.bin");
        await File.WriteAllBytesAsync(model, new byte[4096], Ct);
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
