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

    [ThreadStatic]
    private static Scratch? t_scratch;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_output;

    /// <summary>Appends the event's JSON to <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, AgUiEvent e)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(e);
        var scratch = t_scratch ??= new Scratch();
        t_scratch = null; // re-entrancy (a converter writing an event) gets its own scratch
        try
        {
            if (!s_known.TryGetValue(e.GetType(), out var known))
            {
                scratch.Writer.Reset(output);
                JsonSerializer.Serialize(scratch.Writer, e, AgUiJson.Context.AgUiEvent);
                scratch.Writer.Flush();
                return;
            }
            scratch.Buffer.ResetWrittenCount();
            scratch.Writer.Reset(scratch.Buffer);
            JsonSerializer.Serialize(scratch.Writer, e, known.Info);
            scratch.Writer.Flush();
            var body = scratch.Buffer.WrittenSpan; // {…}
            output.Write(known.Prefix);
            if (body.Length > 2)
            {
                output.Write(","u8);
                output.Write(body[1..]);
            }
            else
            {
                output.Write("}"u8);
            }
        }
        finally
        {
            scratch.Writer.Reset(Stream.Null);
            if (scratch.Buffer.Capacity <= MaxKeptScratchBytes)
            {
                t_scratch = scratch;
            }
        }
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
        var output = t_output ?? new ArrayBufferWriter<byte>(512);
        t_output = null;
        try
        {
            output.ResetWrittenCount();
            Write(output, e);
            return use(output.WrittenSpan);
        }
        finally
        {
            if (output.Capacity <= MaxKeptScratchBytes)
            {
                t_output = output;
            }
        }
    }

    private delegate T ReadOnlySpanFunc<T>(ReadOnlySpan<byte> json);

    private sealed record Known(JsonTypeInfo Info, byte[] Prefix);

    private sealed class Scratch
    {
        public ArrayBufferWriter<byte> Buffer { get; } = new(512);

        public Utf8JsonWriter Writer { get; } = new(Stream.Null, new JsonWriterOptions
        {
            Encoder = AgUiJson.Options.Encoder,
            SkipValidation = true,
        });
    }
}
