using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Testing;

/// <summary>OpenAI Chat Completions (<c>…/chat/completions</c>, also Gemini's and Azure's routes): streamed chunks with tool-call argument deltas and usage, or one completion; OpenAI's error shape.</summary>
public sealed partial class FakeOpenAiServer
{
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
}
