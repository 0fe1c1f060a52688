using System.Buffers;
using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// Writes an event exactly as the polymorphic serializer does — <c>{"type":"…"</c> then the event's own properties —
/// but through the concrete type's metadata: the polymorphic path allocates a serializer stack per event, which was
/// half of all allocations under load. Types that are not a registered AG-UI event take the polymorphic path.
/// </summary>
public static class AgUiEventWriter
{
    private const int MaxKeptScratchBytes = 64 * 1024;

    private static readonly FrozenDictionary<Type, Known> s_known = AgUiJson.Context.AgUiEvent.PolymorphismOptions!.DerivedTypes
        .ToFrozenDictionary(d => d.DerivedType, d => new Known(
            AgUiJson.Context.Options.GetTypeInfo(d.DerivedType),
            System.Text.Encoding.UTF8.GetBytes($"{{\"type\":\"{d.TypeDiscriminator}\"")));

    private static readonly JsonEncodedText s_messageId = JsonEncodedText.Encode("messageId");
    private static readonly JsonEncodedText s_delta = JsonEncodedText.Encode("delta");

    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>Appends the event's JSON to <paramref name="output"/>.</summary>
    /// <returns>The bytes written.</returns>
    public static int Write(IBufferWriter<byte> output, AgUiEvent e) => Write(output, e, [], []);

    /// <summary>
    /// Appends <paramref name="before"/>, the event's JSON and <paramref name="after"/> to <paramref name="output"/>
    /// in one reservation of it (an SSE frame: <c>data: </c>, the JSON, <c>\n\n</c>).
    /// </summary>
    /// <returns>The bytes written.</returns>
    public static int Write(IBufferWriter<byte> output, AgUiEvent e, ReadOnlySpan<byte> before, ReadOnlySpan<byte> after)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(e);
        // A token (most of all events), without the rare fields: written by hand, the serializer's bytes exactly.
        var token = e is TextMessageContentEvent { HasExtras: false, MessageId: not null, Delta: not null } t ? t : null;
        if (token is not null && JsonStringifyEncoder.IsVerbatim(token.MessageId) && JsonStringifyEncoder.IsVerbatim(token.Delta))
        {
            return WriteVerbatimToken(output, token.MessageId, token.Delta, before, after);
        }
        var scratch = t_scratch ??= new Scratch();
        t_scratch = null; // re-entrancy (a converter writing an event) gets its own scratch
        try
        {
            if (!s_known.TryGetValue(e.GetType(), out var known))
            {
                output.Write(before);
                scratch.Writer.Reset(output);
                JsonSerializer.Serialize(scratch.Writer, e, AgUiJson.Context.AgUiEvent);
                scratch.Writer.Flush();
                output.Write(after);
                return before.Length + (int)scratch.Writer.BytesCommitted + after.Length;
            }
            scratch.Buffer.ResetWrittenCount();
            scratch.Writer.Reset(scratch.Buffer);
            if (token is not null)
            {
                // Its two fields need escaping: written by hand all the same (no property metadata walked, no absent
                // field checked).
                scratch.Writer.WriteStartObject();
                scratch.Writer.WriteString(s_messageId, token.MessageId);
                scratch.Writer.WriteString(s_delta, token.Delta);
                scratch.Writer.WriteEndObject();
            }
            else
            {
                JsonSerializer.Serialize(scratch.Writer, e, known.Info);
            }
            scratch.Writer.Flush();
            var body = scratch.Buffer.WrittenSpan; // {…}: becomes {"type":"…",…}
            var length = before.Length + known.Prefix.Length + Math.Max(body.Length, 1) + after.Length;
            var span = output.GetSpan(length);
            before.CopyTo(span);
            var written = before.Length;
            known.Prefix.CopyTo(span[written..]);
            written += known.Prefix.Length;
            if (body.Length > 2)
            {
                span[written++] = (byte)',';
                body[1..].CopyTo(span[written..]);
                written += body.Length - 1;
            }
            else
            {
                span[written++] = (byte)'}';
            }
            after.CopyTo(span[written..]);
            written += after.Length;
            output.Advance(written);
            return written;
        }
        finally
        {
            scratch.Writer.Reset(scratch.Buffer); // lets go of the output; resetting to a Stream would allocate a buffer writer per event
            if (scratch.Buffer.Capacity <= MaxKeptScratchBytes)
            {
                t_scratch = scratch;
            }
        }
    }

    /// <summary>
    /// A token (most of all events) whose strings have nothing to escape: its JSON is fixed text around their UTF-8,
    /// written straight into the output with no serializer and no copy.
    /// </summary>
    private static int WriteVerbatimToken(IBufferWriter<byte> output, string messageId, string delta, ReadOnlySpan<byte> before, ReadOnlySpan<byte> after)
    {
        ReadOnlySpan<byte> head = "{\"type\":\"TEXT_MESSAGE_CONTENT\",\"messageId\":\""u8;
        ReadOnlySpan<byte> middle = "\",\"delta\":\""u8;
        ReadOnlySpan<byte> tail = "\"}"u8;
        var utf8 = System.Text.Encoding.UTF8;
        var span = output.GetSpan(before.Length + head.Length + utf8.GetMaxByteCount(messageId.Length) + middle.Length
            + utf8.GetMaxByteCount(delta.Length) + tail.Length + after.Length);
        before.CopyTo(span);
        var written = before.Length;
        head.CopyTo(span[written..]);
        written += head.Length;
        written += utf8.GetBytes(messageId, span[written..]);
        middle.CopyTo(span[written..]);
        written += middle.Length;
        written += utf8.GetBytes(delta, span[written..]);
        tail.CopyTo(span[written..]);
        written += tail.Length;
        after.CopyTo(span[written..]);
        written += after.Length;
        output.Advance(written);
        return written;
    }

    /// <summary>The event's JSON as a new array.</summary>
    public static byte[] ToUtf8Bytes(AgUiEvent e) => WithOutput(e, static json => json.ToArray());

    /// <summary>The length of the event's JSON in bytes (nothing kept).</summary>
    public static int Utf8Length(AgUiEvent e) => WithOutput(e, static json => json.Length);

    /// <summary>Writes the event as a value of <paramref name="writer"/> (an array element, a property value…).</summary>
    public static void Write(Utf8JsonWriter writer, AgUiEvent e)
    {
        ArgumentNullException.ThrowIfNull(writer);
        WithOutput(e, json =>
        {
            writer.WriteRawValue(json, skipInputValidation: true);
            return 0;
        });
    }

    private static T WithOutput<T>(AgUiEvent e, ReadOnlySpanFunc<T> use)
    {
        var output = ScratchBuffer.Rent(512);
        try
        {
            Write(output, e);
            return use(output.WrittenSpan);
        }
        finally
        {
            ScratchBuffer.Return(output);
        }
    }

    /// <summary>
    /// Whether <paramref name="json"/>, as this writer writes events (the type first), is a <typeparamref name="T"/>;
    /// <see langword="null"/> when it does not start with its type (written some other way: read it to know).
    /// </summary>
    public static bool? IsWrittenAs<T>(ReadOnlySpan<byte> json) where T : AgUiEvent =>
        json.StartsWith(s_known[typeof(T)].Prefix) ? true
        : json.StartsWith("{\"type\":"u8) ? false
        : null;

    private delegate T ReadOnlySpanFunc<T>(ReadOnlySpan<byte> json);

    private sealed record Known(JsonTypeInfo Info, byte[] Prefix);

    private sealed class Scratch
    {
        public Scratch() => Writer = new Utf8JsonWriter(Buffer, new JsonWriterOptions
        {
            Encoder = AgUiJson.Options.Encoder,
            SkipValidation = true,
        });

        public ArrayBufferWriter<byte> Buffer { get; } = new(512);

        public Utf8JsonWriter Writer { get; }
    }
}
