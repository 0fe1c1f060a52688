using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Anthropic;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Audio;

namespace CopilotAspire.Tests.Fakes;

/// <summary>The fake server itself, driven by the official SDKs and raw HTTP.</summary>
[Kind(TestKind.Fast)]
public sealed class FakeOpenAiServerTests : FakeOpenAiServerTest
{
    private HttpClient _http = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _http = new HttpClient { BaseAddress = Server.BaseAddress };
    }

    public override async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await base.DisposeAsync();
    }

    private OpenAIClientOptions OpenAiOptions => new() { Endpoint = new Uri(Server.OpenAiBaseUrl), RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0) };

    [Fact]
    public async Task Models_are_listed()
    {
        var ct = TestContext.Current.CancellationToken;

        using var doc = JsonDocument.Parse(await _http.GetStringAsync("/v1/models", ct));

        Assert.Equal(["gpt-4o", "gpt-4o-mini", "whisper-1"], doc.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Non_streaming_chat_completion_returns_text_tool_calls_and_usage()
    {
        var ct = TestContext.Current.CancellationToken;
        Server.Enqueue(Reply.Text("Hel", "lo").ThenToolCall("call_1", "f", "{\"a\":", "1}").WithUsage(3, 4));
        var client = new OpenAI.Chat.ChatClient("gpt-4o", new ApiKeyCredential("k"), OpenAiOptions);

        var completion = (await client.CompleteChatAsync([new OpenAI.Chat.UserChatMessage("hi")], cancellationToken: ct)).Value;

        Assert.Equal("Hello", completion.Content[0].Text);
        Assert.Equal(("call_1", "f", "{\"a\":1}"), (completion.ToolCalls[0].Id, completion.ToolCalls[0].FunctionName, completion.ToolCalls[0].FunctionArguments.ToString()));
        Assert.Equal(OpenAI.Chat.ChatFinishReason.ToolCalls, completion.FinishReason);
        Assert.Equal((3, 4), (completion.Usage.InputTokenCount, completion.Usage.OutputTokenCount));
        Assert.False(Assert.Single(Server.Requests).Json!.Value.TryGetProperty("stream", out _));
    }

    [Fact]
    public async Task Streaming_chat_completion_through_microsoft_extensions_ai()
    {
        var ct = TestContext.Current.CancellationToken;
        Server.Enqueue(Reply.Text("a", "b", "c"));
        var client = new OpenAI.Chat.ChatClient("gpt-4o", new ApiKeyCredential("k"), OpenAiOptions).AsIChatClient();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("hi", cancellationToken: ct))
        {
            updates.Add(update);
        }

        Assert.Equal(["a", "b", "c"], updates.Where(u => u.Text.Length > 0).Select(u => u.Text));
        Assert.Equal(ChatFinishReason.Stop, updates.ToChatResponse().FinishReason);
        Assert.Equal(15, updates.ToChatResponse().Usage!.TotalTokenCount);
        Assert.True(await Server.Requests[0].Ended.WaitAsync(ct) is false);
    }

    [Fact]
    public async Task Anthropic_messages_non_streaming_through_the_anthropic_sdk()
    {
        var ct = TestContext.Current.CancellationToken;
        Server.Enqueue(Reply.Text("Bonjour").WithUsage(7, 2));
        var client = new AnthropicClient(new Anthropic.Core.ClientOptions { ApiKey = "k", BaseUrl = Server.BaseAddress.ToString().TrimEnd('/'), MaxRetries = 0 })
            .AsIChatClient("claude-sonnet-4-5", 100);

        var response = await client.GetResponseAsync("hi", cancellationToken: ct);

        Assert.Equal("Bonjour", response.Text);
        Assert.Equal((7L, 2L), (response.Usage!.InputTokenCount!.Value, response.Usage.OutputTokenCount!.Value));
        Assert.Equal("/v1/messages", Assert.Single(Server.Requests).Path);
    }

    [Fact]
    public async Task Without_a_queued_reply_the_default_is_used_or_a_500_error_returned()
    {
        var ct = TestContext.Current.CancellationToken;

        using var missing = await _http.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-4o","messages":[]}"""), ct);
        Server.DefaultReply = Reply.Text("default");
        var client = new OpenAI.Chat.ChatClient("gpt-4o", new ApiKeyCredential("k"), OpenAiOptions);
        var first = await client.CompleteChatAsync([new OpenAI.Chat.UserChatMessage("1")], cancellationToken: ct);
        var second = await client.CompleteChatAsync([new OpenAI.Chat.UserChatMessage("2")], cancellationToken: ct);

        Assert.Equal(HttpStatusCode.InternalServerError, missing.StatusCode);
        using var error = JsonDocument.Parse(await missing.Content.ReadAsStringAsync(ct));
        Assert.Equal("FakeOpenAiServer: no reply queued", error.RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(("default", "default"), (first.Value.Content[0].Text, second.Value.Content[0].Text));
    }

    [Fact]
    public async Task Errors_carry_the_status_and_an_openai_error_body()
    {
        var ct = TestContext.Current.CancellationToken;
        Server.Enqueue(Reply.Error(401, "Incorrect API key provided", "invalid_request_error", "invalid_api_key"));

        using var response = await _http.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-4o","messages":[],"stream":true}"""), ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            """{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""",
            await response.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task Unknown_routes_are_404()
    {
        using var response = await _http.GetAsync("/v1/nothing", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Requests_are_recorded_with_headers_and_body_and_can_be_awaited()
    {
        var ct = TestContext.Current.CancellationToken;
        Server.DefaultReply = Reply.Text("x");
        var waiting = Server.WaitForRequestAsync(2, ct);
        using var request1 = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json("""{"model":"m1","messages":[]}""") };
        request1.Headers.Add("X-Custom", "v");

        (await _http.SendAsync(request1, ct)).Dispose();
        (await _http.PostAsync("/v1/chat/completions", Json("""{"model":"m2","messages":[]}"""), ct)).Dispose();
        var second = await waiting;

        Assert.Equal("m2", second.Model);
        var first = Server.Requests[0];
        Assert.Equal(("v", "m1"), (first.Header("x-custom"), first.Model));
        Assert.Equal("""{"model":"m1","messages":[]}""", first.Body);
    }

    [Fact]
    public async Task Recording_can_be_turned_off()
    {
        Server.RecordRequests = false;
        Server.DefaultReply = Reply.Text("x");

        (await _http.PostAsync("/v1/chat/completions", Json("""{"model":"m","messages":[]}"""), TestContext.Current.CancellationToken)).Dispose();

        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Many_concurrent_streams_are_served_from_the_default_reply()
    {
        var ct = TestContext.Current.CancellationToken;
        Server.DefaultReply = Reply.Text("one ", "two");
        var client = new OpenAI.Chat.ChatClient("gpt-4o", new ApiKeyCredential("k"), OpenAiOptions).AsIChatClient();

        var texts = await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
            (await client.GetStreamingResponseAsync("hi", cancellationToken: ct).ToChatResponseAsync(ct)).Text));

        Assert.All(texts, t => Assert.Equal("one two", t));
        Assert.Equal(32, Server.Requests.Count);
    }

    [Fact]
    public async Task A_held_stream_waits_for_release_and_reports_a_client_abort()
    {
        var ct = TestContext.Current.CancellationToken;
        var gate = new Gate();
        Server.Enqueue(Reply.Text("before").ThenHold(gate).ThenText("after"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json("""{"model":"m","messages":[],"stream":true}""") };
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct);

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, abort.Token);
        await gate.Reached.WaitAsync(ct);
        await abort.CancelAsync();
        response.Dispose();

        Assert.True(await Assert.Single(Server.Requests).Ended.WaitAsync(ct));
    }

    [Fact]
    public async Task Transcription_records_the_upload_and_answers_in_the_requested_format()
    {
        var ct = TestContext.Current.CancellationToken;
        Server.EnqueueTranscription(TranscriptionReply.Success("hello world"));
        Server.EnqueueTranscription(TranscriptionReply.Success("plain"));
        Server.EnqueueTranscription(TranscriptionReply.Success("verbose"));
        var audio = new AudioClient("whisper-1", new ApiKeyCredential("k"), OpenAiOptions);

        var json = await audio.TranscribeAudioAsync(new MemoryStream("RIFFdata"u8.ToArray()), "speech.wav",
            new AudioTranscriptionOptions { Language = "en" }, ct);
        using var text = await _http.PostAsync("/v1/audio/transcriptions", Multipart("text"), ct);
        using var verbose = await _http.PostAsync("/v1/audio/transcriptions", Multipart("verbose_json"), ct);

        Assert.Equal("hello world", json.Value.Text);
        Assert.Equal("plain", await text.Content.ReadAsStringAsync(ct));
        using var verboseJson = JsonDocument.Parse(await verbose.Content.ReadAsStringAsync(ct));
        Assert.Equal("verbose", verboseJson.RootElement.GetProperty("text").GetString());
        var recorded = Server.Requests[0];
        Assert.Equal("/v1/audio/transcriptions", recorded.Path);
        Assert.Equal(("whisper-1", "en"), (recorded.Model, recorded.Form["language"]));
        Assert.Equal(("file", "speech.wav"), (recorded.File!.FieldName, recorded.File.FileName));
        Assert.Equal("RIFFdata"u8.ToArray(), recorded.File.Content);
        Assert.Equal("audio/webm", Server.Requests[1].File!.ContentType);
    }

    [Fact]
    public async Task Transcription_errors_on_demand()
    {
        var ct = TestContext.Current.CancellationToken;
        Server.EnqueueTranscription(TranscriptionReply.Error(400, "Invalid file format."));

        using var response = await _http.PostAsync("/v1/audio/transcriptions", Multipart("json"), ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        Assert.Equal("Invalid file format.", body.RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static MultipartFormDataContent Multipart(string responseFormat)
    {
        var file = new ByteArrayContent([1, 2, 3]);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/webm");
        return new MultipartFormDataContent
        {
            { file, "file", "recording.webm" },
            { new StringContent("whisper-1"), "model" },
            { new StringContent(responseFormat), "response_format" },
        };
    }
}
