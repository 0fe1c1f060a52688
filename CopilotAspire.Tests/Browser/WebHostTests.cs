using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CopilotAspire.Tests.Fakes;
using CopilotAspire.Tests.Infrastructure;
using CopilotAspire.Tests.Transcription;

namespace CopilotAspire.Tests.Browser;

/// <summary>
/// The Web host without a browser: a real Api process whose model and transcription endpoint are the fake OpenAI
/// server (so a test can hold a response half-way), the Web host process in front of it, plain HTTP through the host.
/// </summary>
public sealed class WebHostFixture : IAsyncLifetime
{
    private WebStack? _stack;

    public FakeOpenAiServer OpenAi { get; private set; } = null!;

    /// <summary>A client on the Web host (not the Api).</summary>
    public HttpClient Client => _stack!.Web.Client;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        OpenAi = await FakeOpenAiServer.StartAsync(ct);
        _stack = await WebStack.StartAsync(new Dictionary<string, string>
        {
            ["OPENAI_BASE_URL"] = OpenAi.OpenAiBaseUrl,
            ["OPENAI_API_KEY"] = "sk-test-not-a-secret",
            ["CopilotRuntime__Transcription__Endpoint"] = OpenAi.OpenAiBaseUrl,
        }, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
        if (OpenAi is not null)
        {
            await OpenAi.DisposeAsync();
        }
    }
}

[Kind(TestKind.Browser)]
public sealed class WebHostTests(WebHostFixture web) : IClassFixture<WebHostFixture>
{
    [Fact]
    public async Task Sse_passes_through_the_proxy_unbuffered()
    {
        var ct = TestContext.Current.CancellationToken;
        var gate = new Gate();
        web.OpenAi.Enqueue(Reply.Text("before the hold").ThenHold(gate).ThenText(" and after"));
        var body = new JsonObject
        {
            ["threadId"] = "proxy-sse", ["runId"] = "r1", ["tools"] = new JsonArray(), ["context"] = new JsonArray(),
            ["forwardedProps"] = new JsonObject(),
            ["messages"] = new JsonArray(new JsonObject { ["id"] = "u1", ["role"] = "user", ["content"] = "hi" }),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/copilotkit/agent/default/run") { Content = JsonContent(body) };
        using var response = await web.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        // The model is held after its first delta: that delta can only arrive if nothing on the way buffers.
        await using var frames = response.ReadFramesAsync(ct).GetAsyncEnumerator(ct);
        var first = await frames.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");
        Assert.Equal("before the hold", first[^1].Json["delta"]!.GetValue<string>());

        gate.Release();
        var rest = await frames.ReadToEndAsync();
        Assert.Equal(" and after", rest.First(f => f.Type == "TEXT_MESSAGE_CONTENT").Json["delta"]!.GetValue<string>());
        Assert.Equal("RUN_FINISHED", rest[^1].Type);
    }

    [Fact]
    public async Task A_client_that_goes_away_cancels_the_proxied_request_down_to_the_Api()
    {
        var ct = TestContext.Current.CancellationToken;
        var gate = new Gate();
        web.OpenAi.EnqueueTranscription(TranscriptionReply.Success("never sent", gate));
        using var form = new MultipartFormDataContent();
        var audio = new ByteArrayContent(TestAudio.SineWav(16000, 1, 16, seconds: 0.5));
        audio.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(audio, "audio", "recording.wav");
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct);

        var upload = web.Client.PostAsync("/api/copilotkit/transcribe", form, abort.Token);
        await gate.Reached.WaitAsync(ct); // the Api is waiting for its transcription provider
        var providerCall = web.OpenAi.Requests.Last(r => r.Path.EndsWith("/audio/transcriptions", StringComparison.Ordinal));
        await abort.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => upload);

        // The browser → Web → Api → provider chain is cancelled end to end: the provider sees its request aborted.
        Assert.True(await providerCall.Ended.WaitAsync(TimeSpan.FromSeconds(30), ct));
    }

    [Fact]
    public async Task The_page_is_served_for_any_path_and_assets_are_cached_for_good()
    {
        var ct = TestContext.Current.CancellationToken;
        using var page = await web.Client.GetAsync("/some/client/route?agent=scripted", ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("no-cache", page.Headers.CacheControl?.ToString());
        var html = await page.Content.ReadAsStringAsync(ct);
        Assert.Contains("<div id=\"root\"></div>", html);

        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"(/assets/[^\"]+\\.js)\"").Groups[1].Value;
        using var asset = await web.Client.GetAsync(script, ct);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal("public, max-age=31536000, immutable", string.Join(", ", asset.Headers.GetValues("Cache-Control")));

        // Runtime paths are proxied, not answered with the page.
        using var info = await web.Client.GetAsync("/api/copilotkit/info", ct);
        Assert.Equal("application/json", info.Content.Headers.ContentType?.MediaType);
        using var unknown = await web.Client.GetAsync("/api/copilotkit/no-such-path", ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("{\"error\":\"Not found\"}", await unknown.Content.ReadAsStringAsync(ct));
    }

    private static StringContent JsonContent(JsonNode body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
