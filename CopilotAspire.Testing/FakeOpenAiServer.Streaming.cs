using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Testing;

/// <summary>The reply plumbing every provider shares: holds, delays and disconnects in a stream, SSE framing, JSON bodies.</summary>
public sealed partial class FakeOpenAiServer
{
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
