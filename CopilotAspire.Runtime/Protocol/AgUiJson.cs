using System.Text.Json.Nodes;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>Entry points for reading and writing AG-UI JSON exactly as the official clients expect it.</summary>
public static class AgUiJson
{
    /// <summary>Options that escape exactly as <c>JSON.stringify</c> (see <see cref="JsonStringifyEncoder"/>).</summary>
    public static JsonSerializerOptions Options { get; } = new(AgUiJsonContext.Default.Options)
    {
        Encoder = JsonStringifyEncoder.Instance,
        MaxDepth = MaxEventDepth,
    };

    /// <summary>
    /// How deep event JSON may nest when written or read back. Requests are parsed with a lower limit
    /// (<see cref="ForRequests"/>), so that an input echoed inside <c>RUN_STARTED</c> (two levels deeper) always fits.
    /// </summary>
    public const int MaxEventDepth = 256;

    /// <summary>The deepest request nesting <see cref="ForRequests"/> accepts.</summary>
    public const int MaxRequestDepthLimit = MaxEventDepth - 16;

    /// <summary>A context for parsing request bodies no deeper than <paramref name="maxDepth"/>.</summary>
    public static AgUiJsonContext ForRequests(int maxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDepth, MaxRequestDepthLimit);
        return new AgUiJsonContext(new JsonSerializerOptions(Options) { MaxDepth = maxDepth });
    }

    /// <summary>The source-generated type information bound to <see cref="Options"/>.</summary>
    public static AgUiJsonContext Context { get; } = new(Options);

    /// <summary>
    /// The event's wire JSON (<c>type</c> first, absent fields omitted, <c>JSON.stringify</c> escaping) as UTF-8.
    /// </summary>
    public static byte[] SerializeToUtf8Bytes(AgUiEvent e) => AgUiEventWriter.ToUtf8Bytes(e);

    /// <summary>The event's wire JSON as a string (see <see cref="SerializeToUtf8Bytes"/>).</summary>
    public static string Serialize(AgUiEvent e) => System.Text.Encoding.UTF8.GetString(AgUiEventWriter.ToUtf8Bytes(e));

    /// <summary>Writes the event's wire JSON as the next value of <paramref name="writer"/>.</summary>
    public static void Serialize(Utf8JsonWriter writer, AgUiEvent e) => AgUiEventWriter.Write(writer, e);

    /// <summary>
    /// Reads one event from its JSON, its <c>type</c> anywhere in the object; unknown fields land in
    /// <see cref="AgUiEvent.AdditionalProperties"/>.
    /// </summary>
    /// <exception cref="JsonException">Not a valid AG-UI event.</exception>
    public static AgUiEvent DeserializeEvent(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return JsonSerializer.Deserialize(utf8, Context.AgUiEvent) ?? throw new JsonException("Event JSON was null.");
        }
        catch (NotSupportedException ex)
        {
            throw new JsonException(ex.Message, ex); // e.g. no "type" discriminator
        }
    }

    /// <summary>Reads one event from its JSON text (see the UTF-8 overload).</summary>
    /// <exception cref="JsonException">Not a valid AG-UI event.</exception>
    public static AgUiEvent DeserializeEvent(string json) => DeserializeEvent(System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>A JSON value from a .NET string (convenience for building events).</summary>
    public static JsonElement StringValue(string value) => JsonSerializer.SerializeToElement(value, Context.String);

    /// <summary>Parses a JSON literal into a detached element.</summary>
    public static JsonElement Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }
}
