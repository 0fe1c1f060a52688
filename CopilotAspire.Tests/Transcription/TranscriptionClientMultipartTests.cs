using System.Net;
using System.Text;
using System.Text.Json;
using CopilotAspire.Runtime.Transcription;
using Microsoft.Extensions.DependencyInjection;

using static CopilotAspire.Tests.Transcription.RuntimeTranscribeHost;

namespace CopilotAspire.Tests.Transcription;

/// <summary>
/// The runtime's <see cref="OpenAICompatibleTranscriptionService"/> speaks multipart that strict parsers accept: its
/// bytes read by Node's <c>Request.formData()</c>, and the runtime's <c>/transcribe</c> end to end against a Node
/// OpenAI-compatible server, the real Transcriber (Whisper.net on the generated model) and the fake OpenAI server.
/// </summary>
[Kind(TestKind.Process)]
public sealed class TranscriptionClientMultipartTests
{
    private const string Rest = "api/copilotkit/transcribe";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<Infrastructure.RuntimeTestHost> StartRuntimeAsync(string endpoint, CapturingHandler? capture = null) =>
        RuntimeTranscribeHost.StartAsync(null, new Dictionary<string, string?> { ["Endpoint"] = endpoint },
            services =>
            {
                if (capture is not null)
                {
                    services.AddHttpClient(OpenAICompatibleTranscriptionService.HttpClientName).AddHttpMessageHandler(() => capture);
                }
            });

    [Fact]
    public async Task The_upload_is_multipart_that_Nodes_strict_parser_reads_field_by_field()
    {
        await using var node = await NodeTranscriptionServer.StartAsync(Ct);
        var capture = new CapturingHandler();
        await using var runtime = await StartRuntimeAsync(node.BaseAddress.ToString(), capture);
        var audio = TestAudio.SineWav(16000, 1, 16);

        using var response = await runtime.Client.PostAsync(Rest, Recording(audio, fileName: "grabación 1.wav"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var (contentType, body) = Assert.Single(capture.Bodies);
        Assert.Matches("^multipart/form-data; boundary=[^\"; ]+$", contentType);
        var text = Encoding.UTF8.GetString(body);
        Assert.DoesNotContain("filename*", text);
        Assert.Contains("Content-Disposition: form-data; name=\"file\"; filename=\"grabación 1.wav\"\r\n", text);
        Assert.Contains("Content-Disposition: form-data; name=\"model\"\r\n", text);

        var parsed = await NodeTranscriptionServer.ParseFormAsync(body, contentType, Ct);
        Assert.True(parsed.GetProperty("ok").GetBoolean(), parsed.ToString());
        var entries = parsed.GetProperty("entries").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        Assert.Equal(["file", "model", "response_format"], entries.Keys.Order());
        Assert.Equal("file", entries["file"].GetProperty("kind").GetString());
        Assert.Equal("grabación 1.wav", entries["file"].GetProperty("filename").GetString());
        Assert.Equal("audio/wav", entries["file"].GetProperty("type").GetString());
        Assert.Equal(audio.Length, entries["file"].GetProperty("size").GetInt32());
        Assert.Equal("whisper-1", entries["model"].GetProperty("value").GetString());
        Assert.Equal("json", entries["response_format"].GetProperty("value").GetString());
    }

    [Fact]
    public async Task Runtime_transcribes_through_a_Node_OpenAI_compatible_server()
    {
        await using var node = await NodeTranscriptionServer.StartAsync(Ct);
        await using var runtime = await StartRuntimeAsync(node.BaseAddress.ToString());
        var audio = TestAudio.SineWav(16000, 1, 16);

        using var response = await runtime.Client.PostAsync(Rest, Recording(audio), Ct);

        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal($"recording.wav {audio.Length} bytes of audio/wav for whisper-1", json.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Runtime_transcribes_through_the_Transcriber_running_Whisper()
    {
        await using var transcriber = await TranscriberTestServer.StartWhisperAsync(GeneratedWhisperModel.DefaultPath);
        await using var runtime = await StartRuntimeAsync(new Uri(transcriber.BaseAddress, "v1").ToString());

        using var response = await runtime.Client.PostAsync(Rest, Recording(await TestAudio.SpeechAsync("hello from copilot aspire", Ct)), Ct);

        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(GeneratedWhisperModel.DefaultText, json.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Runtime_transcribes_through_the_fake_OpenAI_server_with_OpenAIs_request_shape()
    {
        await using var openAi = await FakeOpenAiServer.StartAsync(Ct);
        openAi.EnqueueTranscription(TranscriptionReply.Success("transcribed by the fake"));
        await using var runtime = await StartRuntimeAsync(openAi.OpenAiBaseUrl);
        var audio = TestAudio.SineWav(16000, 1, 16);

        using var response = await runtime.Client.PostAsync(Rest, Recording(audio, fileName: "take 2.wav"), Ct);

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("transcribed by the fake", json.RootElement.GetProperty("text").GetString());
        var sent = Assert.Single(openAi.Requests);
        Assert.Equal(new RecordedFile("file", "take 2.wav", "audio/wav", audio) with { Content = sent.File!.Content }, sent.File);
        Assert.Equal(audio, sent.File.Content);
        Assert.Equal("whisper-1", sent.Form["model"]);
    }

    /// <summary>Keeps the Content-Type and bytes of every request body, then sends it on.</summary>
    private sealed class CapturingHandler : DelegatingHandler
    {
        public System.Collections.Concurrent.ConcurrentQueue<(string ContentType, byte[] Body)> Bodies { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            Bodies.Enqueue((request.Content.Headers.ContentType!.ToString(), body));
            var copy = new ByteArrayContent(body);
            foreach (var header in request.Content.Headers)
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            request.Content = copy;
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
