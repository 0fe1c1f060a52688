using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;


namespace CopilotAspire.Testing;

/// <summary>
/// A deterministic OpenAI-compatible server on a real loopback port, for the LLM and transcription paths:
/// <list type="bullet">
/// <item><c>POST …/chat/completions</c> (OpenAI <c>/v1</c>, Gemini <c>/v1beta/openai</c>, Azure
/// <c>/openai/deployments/{d}</c> and <c>/openai/v1</c> with Azure's checks, see <c>FakeOpenAiServer.Azure.cs</c>): streamed (SSE chunks, tool-call argument deltas, usage chunk, <c>[DONE]</c>) or not;</item>
/// <item><c>POST /v1/messages</c>: Anthropic Messages, streamed or not;</item>
/// <item><c>GET /v1/models</c>; <c>POST /v1/audio/transcriptions</c> (multipart, <c>response_format</c> json/text/verbose_json).</item>
/// </list>
/// Replies are scripted per test (<see cref="Enqueue"/>, <see cref="EnqueueTranscription"/>), fall back to
/// <see cref="DefaultReply"/>, and every request is recorded (<see cref="Requests"/>) with whether it was aborted.
/// This file holds the routing, the reply queues and the recording; each provider is its own file
/// (<c>.OpenAiChat</c>, <c>.Anthropic</c>, <c>.Azure</c>, <c>.Transcription</c>) and <c>.Streaming</c> the shared SSE plumbing.
/// </summary>
public sealed partial class FakeOpenAiServer : IAsyncDisposable
{
    private static readonly byte[] s_dataPrefix = "data: "u8.ToArray();
    private static readonly byte[] s_eventPrefix = "event: "u8.ToArray();
    private static readonly byte[] s_done = "data: [DONE]\n\n"u8.ToArray();

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Reply> _replies = new();
    private readonly ConcurrentQueue<TranscriptionReply> _transcriptions = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _requestsLock = new();
    private TaskCompletionSource _requestArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sequence;

    private FakeOpenAiServer(WebApplication app)
    {
        _app = app;
        _app.Run(HandleAsync);
    }

    /// <summary>Starts a server on a free loopback port.</summary>
    public static async Task<FakeOpenAiServer> StartAsync(CancellationToken cancellationToken = default)
    {
        FakeOpenAiServer? server = null;
        var (_, address) = await LoopbackWebApp.StartAsync(_ => { }, app => server = new FakeOpenAiServer(app), cancellationToken);
        server!.BaseAddress = address;
        return server;
    }

    /// <summary><c>http://127.0.0.1:{port}</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>For <c>OPENAI_BASE_URL</c>: <c>http://127.0.0.1:{port}/v1</c>.</summary>
    public string OpenAiBaseUrl => BaseAddress.GetLeftPart(UriPartial.Authority) + "/v1";

    /// <summary>For <c>ANTHROPIC_BASE_URL</c> (AI SDK style, with <c>/v1</c>).</summary>
    public string AnthropicBaseUrl => BaseAddress.GetLeftPart(UriPartial.Authority) + "/v1";

    /// <summary>For <c>GOOGLE_GENERATIVE_AI_BASE_URL</c>: <c>…/v1beta</c> (the OpenAI-compatible path is <c>/v1beta/openai</c>).</summary>
    public string GeminiBaseUrl => BaseAddress.GetLeftPart(UriPartial.Authority) + "/v1beta";

    /// <summary>For <c>AZURE_OPENAI_ENDPOINT</c>.</summary>
    public string AzureEndpoint => BaseAddress.GetLeftPart(UriPartial.Authority) + "/";

    /// <summary>Used when no reply is queued; when null such a request gets a 500 error.</summary>
    public Reply? DefaultReply { get; set; }

    /// <summary>Used when no transcription is queued; when null such a request gets a 500 error.</summary>
    public TranscriptionReply? DefaultTranscription { get; set; }

    /// <summary>Record requests (default true; benchmarks may turn it off).</summary>
    public bool RecordRequests { get; set; } = true;

    /// <summary>The model ids <c>GET /v1/models</c> lists.</summary>
    public IReadOnlyList<string> Models { get; set; } = ["gpt-4o", "gpt-4o-mini", "whisper-1"];

    /// <summary>Requests received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requestsLock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Chat-like requests (chat completions and Anthropic messages) answer with the queued replies in order.</summary>
    public void Enqueue(params Reply[] replies)
    {
        foreach (var reply in replies)
        {
            _replies.Enqueue(reply);
        }
    }

    public void EnqueueTranscription(TranscriptionReply reply) => _transcriptions.Enqueue(reply);

    /// <summary>Waits until at least <paramref name="count"/> requests have been recorded and returns the last of them.</summary>
    public async Task<RecordedRequest> WaitForRequestAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task arrived;
            lock (_requestsLock)
            {
                if (_requests.Count >= count)
                {
                    return _requests[count - 1];
                }
                arrived = _requestArrived.Task;
            }
            await arrived.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        RecordedRequest? recorded = null;
        try
        {
            if (HttpMethods.IsPost(request.Method) && path.EndsWith("/audio/transcriptions", StringComparison.Ordinal))
            {
                recorded = await RecordMultipartAsync(context);
                await TranscribeAsync(context, recorded);
            }
            else if (HttpMethods.IsPost(request.Method) && path.EndsWith("/chat/completions", StringComparison.Ordinal))
            {
                var (json, body) = await ReadJsonAsync(context);
                recorded = Record(context, body, json);
                if (!await AzureRejectsAsync(context, path))
                {
                    await ChatCompletionsAsync(context, json, NextReply());
                }
            }
            else if (HttpMethods.IsPost(request.Method) && path.EndsWith("/messages", StringComparison.Ordinal))
            {
                var (json, body) = await ReadJsonAsync(context);
                recorded = Record(context, body, json);
                await AnthropicMessagesAsync(context, json, NextReply());
            }
            else if (HttpMethods.IsGet(request.Method) && path.EndsWith("/models", StringComparison.Ordinal))
            {
                recorded = Record(context, "", null);
                await WriteJsonAsync(context, 200, w =>
                {
                    w.WriteString("object", "list");
                    w.WriteStartArray("data");
                    foreach (var id in Models)
                    {
                        w.WriteStartObject();
                        w.WriteString("id", id);
                        w.WriteString("object", "model");
                        w.WriteNumber("created", 0);
                        w.WriteString("owned_by", "fake");
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                });
            }
            else
            {
                recorded = Record(context, "", null);
                await WriteOpenAiErrorAsync(context, 404, $"Unknown route {request.Method} {path}", "invalid_request_error", null);
            }
            recorded?.SetEnded(aborted: context.RequestAborted.IsCancellationRequested);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            recorded?.SetEnded(aborted: true);
        }
        catch (IOException) when (context.RequestAborted.IsCancellationRequested)
        {
            recorded?.SetEnded(aborted: true);
        }
    }

    private Reply NextReply() => _replies.TryDequeue(out var reply) ? reply
        : DefaultReply ?? Reply.Error(500, "FakeOpenAiServer: no reply queued");

    private RecordedRequest Record(HttpContext context, string body, JsonElement? json, IReadOnlyDictionary<string, string>? form = null, RecordedFile? file = null)
    {
        var recorded = new RecordedRequest
        {
            Method = context.Request.Method,
            Path = context.Request.Path.Value ?? "",
            Query = context.Request.QueryString.Value ?? "",
            Headers = RecordRequests ? context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase) : new Dictionary<string, string>(),
            Body = RecordRequests ? body : "",
            Json = RecordRequests ? json : null,
            Form = form ?? new Dictionary<string, string>(),
            File = file,
        };
        if (RecordRequests)
        {
            TaskCompletionSource arrived;
            lock (_requestsLock)
            {
                _requests.Add(recorded);
                arrived = _requestArrived;
                _requestArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            arrived.TrySetResult();
        }
        return recorded;
    }

    private static async Task<(JsonElement? Json, string Body)> ReadJsonAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        try
        {
            using var doc = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            return (doc.RootElement.Clone(), body);
        }
        catch (JsonException)
        {
            return (null, body);
        }
    }

    private static bool IsStreaming(JsonElement? json) =>
        json is { ValueKind: JsonValueKind.Object } j && j.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;

    private static string ModelOf(JsonElement? json) =>
        json is { ValueKind: JsonValueKind.Object } j && j.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "fake-model";
}
