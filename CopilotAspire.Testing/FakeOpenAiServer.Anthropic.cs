using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Testing;

/// <summary>Anthropic Messages (<c>POST /v1/messages</c>): the streamed event sequence or one message.</summary>
public sealed partial class FakeOpenAiServer
{
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
}
