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

    // ---- OpenAI Chat Completions ---------------------------------------------------------------------------------

    private async Task ChatCompletionsAsync(HttpContext context, JsonElement? json, Reply reply)
    {
        if (reply.ErrorStatus is { } status)
        {
            await WriteOpenAiErrorAsync(context, status, reply.ErrorMessage ?? "error", reply.ErrorType ?? "server_error", reply.ErrorCode);
            return;
        }
        var id = $"chatcmpl-{Interlocked.Increment(ref _sequence)}";
        var model = ModelOf(json);
        if (!IsStreaming(json))
        {
            await RunDelaysAsync(reply, context.RequestAborted);
            await WriteJsonAsync(context, 200, w => WriteCompletion(w, id, model, reply));
            return;
        }

        var ct = context.RequestAborted;
        StartEventStream(context);
        var sse = new SseWriter(context.Response);
        await sse.DataAsync(w => WriteChunkStart(w, id, model, delta => delta.WriteString("role", "assistant"), null), ct);
        var toolIndex = 0;
        foreach (var part in reply.Parts)
        {
            switch (part)
            {
                case TextPart text:
                    await sse.DataAsync(w => WriteChunkStart(w, id, model, d => d.WriteString("content", text.Delta), null), ct);
                    break;
                case ToolCallPart call:
                {
                    var index = toolIndex++;
                    await sse.DataAsync(w => WriteChunkStart(w, id, model, d => WriteToolDelta(d, index, call.Id, call.Name, ""), null), ct);
                    foreach (var args in call.ArgumentDeltas)
                    {
                        await sse.DataAsync(w => WriteChunkStart(w, id, model, d => WriteToolDelta(d, index, null, null, args), null), ct);
                    }
                    break;
                }
                default:
                    if (!await ControlAsync(part, sse, context))
                    {
                        return;
                    }
                    break;
            }
        }
        await sse.DataAsync(w => WriteChunkStart(w, id, model, _ => { }, reply.EffectiveFinishReason), ct);
        if (reply.IncludeUsage)
        {
            await sse.DataAsync(w =>
            {
                WriteChunkHeader(w, id, model);
                w.WriteStartArray("choices");
                w.WriteEndArray();
                WriteOpenAiUsage(w, reply);
                w.WriteEndObject();
            }, ct);
        }
        await sse.RawAsync(s_done, ct);
    }

    private static void WriteChunkHeader(Utf8JsonWriter w, string id, string model)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", 1700000000);
        w.WriteString("model", model);
    }

    private static void WriteChunkStart(Utf8JsonWriter w, string id, string model, Action<Utf8JsonWriter> delta, string? finishReason)
    {
        WriteChunkHeader(w, id, model);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        delta(w);
        w.WriteEndObject();
        if (finishReason is null)
        {
            w.WriteNull("finish_reason");
        }
        else
        {
            w.WriteString("finish_reason", finishReason);
        }
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteToolDelta(Utf8JsonWriter w, int index, string? id, string? name, string arguments)
    {
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", index);
        if (id is not null)
        {
            w.WriteString("id", id);
            w.WriteString("type", "function");
        }
        w.WriteStartObject("function");
        if (name is not null)
        {
            w.WriteString("name", name);
        }
        w.WriteString("arguments", arguments);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void WriteOpenAiUsage(Utf8JsonWriter w, Reply reply)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", reply.InputTokens);
        w.WriteNumber("completion_tokens", reply.OutputTokens);
        w.WriteNumber("total_tokens", reply.InputTokens + reply.OutputTokens);
        w.WriteEndObject();
    }

    private static void WriteCompletion(Utf8JsonWriter w, string id, string model, Reply reply)
    {
        w.WriteString("id", id);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", 1700000000);
        w.WriteString("model", model);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        var text = string.Concat(reply.Parts.OfType<TextPart>().Select(p => p.Delta));
        if (text.Length > 0 || !reply.HasToolCalls)
        {
            w.WriteString("content", text);
        }
        else
        {
            w.WriteNull("content");
        }
        if (reply.HasToolCalls)
        {
            w.WriteStartArray("tool_calls");
            foreach (var call in reply.Parts.OfType<ToolCallPart>())
            {
                w.WriteStartObject();
                w.WriteString("id", call.Id);
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", call.Name);
                w.WriteString("arguments", call.Arguments);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteString("finish_reason", reply.EffectiveFinishReason);
        w.WriteEndObject();
        w.WriteEndArray();
        if (reply.IncludeUsage)
        {
            WriteOpenAiUsage(w, reply);
        }
    }

    private static Task WriteOpenAiErrorAsync(HttpContext context, int status, string message, string type, string? code) =>
        WriteJsonAsync(context, status, w =>
        {
            w.WriteStartObject("error");
            w.WriteString("message", message);
            w.WriteString("type", type);
            w.WriteNull("param");
            if (code is null)
            {
                w.WriteNull("code");
            }
            else
            {
                w.WriteString("code", code);
            }
            w.WriteEndObject();
        });

    // ---- Anthropic Messages --------------------------------------------------------------------------------------

    private async Task AnthropicMessagesAsync(HttpContext context, JsonElement? json, Reply reply)
    {
        if (reply.ErrorStatus is { } status)
        {
            await WriteJsonAsync(context, status, w =>
            {
                w.WriteString("type", "error");
                w.WriteStartObject("error");
                w.WriteString("type", reply.ErrorType == "server_error" ? "api_error" : reply.ErrorType);
                w.WriteString("message", reply.ErrorMessage);
                w.WriteEndObject();
            });
            return;
        }
        var id = $"msg_{Interlocked.Increment(ref _sequence)}";
        var model = ModelOf(json);
        var stopReason = reply.EffectiveFinishReason switch
        {
            "tool_calls" => "tool_use",
            "length" => "max_tokens",
            _ => "end_turn",
        };
        if (!IsStreaming(json))
        {
            await RunDelaysAsync(reply, context.RequestAborted);
            await WriteJsonAsync(context, 200, w =>
            {
                WriteAnthropicMessageFields(w, id, model, reply, final: true);
                w.WriteStartArray("content");
                var text = string.Concat(reply.Parts.OfType<TextPart>().Select(p => p.Delta));
                if (text.Length > 0)
                {
                    w.WriteStartObject();
                    w.WriteString("type", "text");
                    w.WriteString("text", text);
                    w.WriteEndObject();
                }
                foreach (var call in reply.Parts.OfType<ToolCallPart>())
                {
                    w.WriteStartObject();
                    w.WriteString("type", "tool_use");
                    w.WriteString("id", call.Id);
                    w.WriteString("name", call.Name);
                    w.WritePropertyName("input");
                    using var input = JsonDocument.Parse(call.Arguments.Length == 0 ? "{}" : call.Arguments);
                    input.RootElement.WriteTo(w);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteString("stop_reason", stopReason);
            });
            return;
        }

        var ct = context.RequestAborted;
        StartEventStream(context);
        var sse = new SseWriter(context.Response);
        await sse.EventAsync("message_start", w =>
        {
            w.WriteString("type", "message_start");
            w.WriteStartObject("message");
            WriteAnthropicMessageFields(w, id, model, reply, final: false);
            w.WriteStartArray("content");
            w.WriteEndArray();
            w.WriteNull("stop_reason");
            w.WriteEndObject();
        }, ct);

        var index = -1;
        string? open = null;
        async Task CloseBlockAsync()
        {
            if (open is not null)
            {
                var closing = index;
                await sse.EventAsync("content_block_stop", w =>
                {
                    w.WriteString("type", "content_block_stop");
                    w.WriteNumber("index", closing);
                }, ct);
                open = null;
            }
        }
        async Task OpenBlockAsync(string kind, Action<Utf8JsonWriter> block)
        {
            await CloseBlockAsync();
            index++;
            open = kind;
            var opening = index;
            await sse.EventAsync("content_block_start", w =>
            {
                w.WriteString("type", "content_block_start");
                w.WriteNumber("index", opening);
                w.WriteStartObject("content_block");
                block(w);
                w.WriteEndObject();
            }, ct);
        }
        Task DeltaAsync(Action<Utf8JsonWriter> delta)
        {
            var at = index;
            return sse.EventAsync("content_block_delta", w =>
            {
                w.WriteString("type", "content_block_delta");
                w.WriteNumber("index", at);
                w.WriteStartObject("delta");
                delta(w);
                w.WriteEndObject();
            }, ct).AsTask();
        }

        // A text or thinking delta, opening its content block first when another kind is open.
        async Task BlockDeltaAsync(string kind, string deltaType, string value)
        {
            if (open != kind)
            {
                await OpenBlockAsync(kind, w =>
                {
                    w.WriteString("type", kind);
                    w.WriteString(kind, "");
                    if (kind == "thinking")
                    {
                        w.WriteString("signature", "");
                    }
                });
            }
            await DeltaAsync(w =>
            {
                w.WriteString("type", deltaType);
                w.WriteString(kind, value);
            });
        }

        foreach (var part in reply.Parts)
        {
            switch (part)
            {
                case TextPart text:
                    await BlockDeltaAsync("text", "text_delta", text.Delta);
                    break;
                case ReasoningPart reasoning:
                    await BlockDeltaAsync("thinking", "thinking_delta", reasoning.Delta);
                    break;
                case ToolCallPart call:
                    await OpenBlockAsync("tool_use", w =>
                    {
                        w.WriteString("type", "tool_use");
                        w.WriteString("id", call.Id);
                        w.WriteString("name", call.Name);
                        w.WriteStartObject("input");
                        w.WriteEndObject();
                    });
                    foreach (var args in call.ArgumentDeltas)
                    {
                        await DeltaAsync(w =>
                        {
                            w.WriteString("type", "input_json_delta");
                            w.WriteString("partial_json", args);
                        });
                    }
                    await CloseBlockAsync();
                    break;
                default:
                    if (!await ControlAsync(part, sse, context))
                    {
                        return;
                    }
                    break;
            }
        }
        await CloseBlockAsync();
        await sse.EventAsync("message_delta", w =>
        {
            w.WriteString("type", "message_delta");
            w.WriteStartObject("delta");
            w.WriteString("stop_reason", stopReason);
            w.WriteNull("stop_sequence");
            w.WriteEndObject();
            w.WriteStartObject("usage");
            w.WriteNumber("input_tokens", reply.InputTokens);
            w.WriteNumber("output_tokens", reply.OutputTokens);
            w.WriteEndObject();
        }, ct);
        await sse.EventAsync("message_stop", w => w.WriteString("type", "message_stop"), ct);
        await sse.FlushAsync(ct);
    }

    private static void WriteAnthropicMessageFields(Utf8JsonWriter w, string id, string model, Reply reply, bool final)
    {
        w.WriteString("id", id);
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteString("model", model);
        w.WriteNull("stop_sequence");
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", reply.InputTokens);
        w.WriteNumber("output_tokens", final ? reply.OutputTokens : 1);
        w.WriteEndObject();
    }

    // ---- Transcription -------------------------------------------------------------------------------------------

    private async Task<RecordedRequest> RecordMultipartAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        RecordedFile? file = null;
        if (form.Files.Count > 0)
        {
            var f = form.Files[0];
            using var content = new MemoryStream();
            await f.CopyToAsync(content, context.RequestAborted);
            file = new RecordedFile(f.Name, f.FileName, f.ContentType, content.ToArray());
        }
        return Record(context, "", null, fields, file);
    }

    private async Task TranscribeAsync(HttpContext context, RecordedRequest recorded)
    {
        var reply = _transcriptions.TryDequeue(out var queued) ? queued
            : DefaultTranscription ?? TranscriptionReply.Error(500, "FakeOpenAiServer: no transcription queued");
        if (reply.Hold is { } hold)
        {
            await hold.PassAsync(context.RequestAborted);
        }
        if (reply.ErrorStatus is { } status)
        {
            await WriteOpenAiErrorAsync(context, status, reply.ErrorMessage ?? "error", status < 500 ? "invalid_request_error" : "server_error", null);
            return;
        }
        var text = reply.Text ?? "";
        switch (recorded.Form.GetValueOrDefault("response_format") ?? "json")
        {
            case "text" or "srt" or "vtt":
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(text, context.RequestAborted);
                break;
            case "verbose_json":
                await WriteJsonAsync(context, 200, w =>
                {
                    w.WriteString("task", "transcribe");
                    w.WriteString("language", recorded.Form.GetValueOrDefault("language") ?? "english");
                    w.WriteNumber("duration", 1.0);
                    w.WriteString("text", text);
                    w.WriteStartArray("segments");
                    w.WriteEndArray();
                });
                break;
            default:
                await WriteJsonAsync(context, 200, w => w.WriteString("text", text));
                break;
        }
    }

    // ---- Plumbing ------------------------------------------------------------------------------------------------

    /// <summary>A hold, delay or disconnect in a stream; <see langword="false"/> when the stream must end here.</summary>
    private static async Task<bool> ControlAsync(ReplyPart part, SseWriter sse, HttpContext context)
    {
        if (part is not (HoldPart or DelayPart or DisconnectPart))
        {
            return true;
        }
        var ct = context.RequestAborted;
        await sse.FlushAsync(ct);
        switch (part)
        {
            case HoldPart hold:
                await hold.Gate.PassAsync(ct);
                return true;
            case DelayPart delay:
                await Task.Delay(delay.Delay, ct);
                return true;
            default:
                context.Abort();
                return false;
        }
    }

    private static async Task RunDelaysAsync(Reply reply, CancellationToken cancellationToken)
    {
        foreach (var part in reply.Parts)
        {
            if (part is HoldPart hold)
            {
                await hold.Gate.PassAsync(cancellationToken);
            }
            else if (part is DelayPart delay)
            {
                await Task.Delay(delay.Delay, cancellationToken);
            }
        }
    }

    private static void StartEventStream(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    /// <summary>Writes SSE frames, flushing each one (a real provider streams them as they are produced).</summary>
    private sealed class SseWriter(HttpResponse response)
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(1024);
        private readonly Utf8JsonWriter _json = new(Stream.Null);

        public ValueTask DataAsync(Action<Utf8JsonWriter> write, CancellationToken ct) => FrameAsync(null, write, wrapObject: false, ct);

        /// <summary>An Anthropic-style frame: <c>event: name</c> and a JSON object built by <paramref name="writeProperties"/>.</summary>
        public ValueTask EventAsync(string name, Action<Utf8JsonWriter> writeProperties, CancellationToken ct) =>
            FrameAsync(name, writeProperties, wrapObject: true, ct);

        public async ValueTask RawAsync(byte[] bytes, CancellationToken ct)
        {
            await response.Body.WriteAsync(bytes, ct);
            await response.Body.FlushAsync(ct);
        }

        public async ValueTask FlushAsync(CancellationToken ct) => await response.Body.FlushAsync(ct);

        private async ValueTask FrameAsync(string? eventName, Action<Utf8JsonWriter> write, bool wrapObject, CancellationToken ct)
        {
            _buffer.ResetWrittenCount();
            if (eventName is not null)
            {
                _buffer.Write(s_eventPrefix);
                Encoding.UTF8.GetBytes(eventName, _buffer);
                _buffer.Write("\n"u8);
            }
            _buffer.Write(s_dataPrefix);
            _json.Reset(_buffer);
            if (wrapObject)
            {
                _json.WriteStartObject();
            }
            write(_json);
            if (wrapObject)
            {
                _json.WriteEndObject();
            }
            _json.Flush();
            _buffer.Write("\n\n"u8);
            await response.Body.WriteAsync(_buffer.WrittenMemory, ct);
            await response.Body.FlushAsync(ct);
        }
    }
}
