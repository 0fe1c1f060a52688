using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// Reads an event written with <c>"type"</c> first (what <see cref="AgUiEventWriter"/> stores for the Redis runner, and
/// what <c>JSON.stringify</c> of a typical AG-UI server sends a remote agent's client) as its concrete type: the
/// polymorphic path reads every object twice to find its discriminator (the wire options allow it anywhere), which was
/// most of a Redis <c>connect</c>'s replay. Any other form takes the general path.
/// </summary>
public static class StoredEventReader
{
    private const int MaxTypeLength = 64;
    private const int StackBytes = 512;

    private static readonly FrozenDictionary<string, JsonTypeInfo> s_types = AgUiJson.Context.AgUiEvent.PolymorphismOptions!.DerivedTypes
        .ToFrozenDictionary(d => (string)d.TypeDiscriminator!, d => AgUiJson.Context.Options.GetTypeInfo(d.DerivedType), StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, JsonTypeInfo>.AlternateLookup<ReadOnlySpan<char>> s_byName = s_types.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <exception cref="JsonException">Not a valid AG-UI event.</exception>
    public static AgUiEvent Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!(reader.Read() && reader.TokenType == JsonTokenType.StartObject
            && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("type"u8)
            && reader.Read() && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && reader.ValueSpan.Length <= MaxTypeLength))
        {
            return AgUiJson.DeserializeEvent(json);
        }
        if (reader.ValueSpan.SequenceEqual("TEXT_MESSAGE_CONTENT"u8) && TryReadToken(ref reader) is { } token)
        {
            return token;
        }
        Span<char> name = stackalloc char[MaxTypeLength];
        var rest = json[(int)reader.BytesConsumed..]; // what follows the type: ',"…":…}' or '}'
        if (!s_byName.TryGetValue(name[..Encoding.UTF8.GetChars(reader.ValueSpan, name)], out var info) || rest.IsEmpty || rest[0] is not ((byte)',' or (byte)'}'))
        {
            return AgUiJson.DeserializeEvent(json);
        }
        // The object without its type: '{' then the rest (its leading comma dropped).
        var length = rest[0] == (byte)',' ? rest.Length : 2;
        byte[]? rented = null;
        var body = length <= StackBytes ? stackalloc byte[StackBytes] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            body[0] = (byte)'{';
            if (rest[0] == (byte)',')
            {
                rest[1..].CopyTo(body[1..]);
            }
            else
            {
                body[1] = (byte)'}';
            }
            return JsonSerializer.Deserialize(body[..length], info) as AgUiEvent ?? throw new JsonException("Event JSON was null.");
        }
        catch (NotSupportedException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// A token (most of all events) that has exactly <c>messageId</c> and <c>delta</c> after its type, both strings:
    /// read with the reader alone, no converter (the serializer's metadata walk and constructor call cost more than the
    /// JSON itself). Anything else (another field, another spelling, a null, a duplicate): <see langword="null"/>, and the
    /// general path reads it, so what it accepts and rejects is unchanged.
    /// </summary>
    private static TextMessageContentEvent? TryReadToken(ref Utf8JsonReader reader)
    {
        string? messageId = null;
        string? delta = null;
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("messageId"u8);
                if (!(isId || reader.ValueTextEquals("delta"u8)) || !reader.Read() || reader.TokenType != JsonTokenType.String
                    || (isId ? messageId : delta) is not null)
                {
                    return null;
                }
                if (isId)
                {
                    messageId = reader.GetString();
                }
                else
                {
                    delta = reader.GetString();
                }
            }
            return reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0 && !reader.Read() && messageId is not null && delta is not null
                ? new TextMessageContentEvent { MessageId = messageId, Delta = delta }
                : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null; // malformed: the general path says why
        }
    }
}
