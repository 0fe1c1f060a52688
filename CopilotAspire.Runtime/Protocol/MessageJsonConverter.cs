using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>Reads a message with the rules of AG-UI's zod schema and writes it in that schema's field order.</summary>
internal sealed class MessageJsonConverter : JsonConverter<Message>
{
    public override Message Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Each message must be an object.");
        }

        using var doc = JsonDocument.ParseValue(ref reader);
        var o = doc.RootElement;
        var id = RequiredString(o, "id");
        var role = RequiredString(o, "role");
        var content = Optional(o, "content");
        JsonElement? contentValue = content?.Clone();

        switch (role)
        {
            case MessageRoles.Developer or MessageRoles.System or MessageRoles.Reasoning:
                if (content is not { ValueKind: JsonValueKind.String })
                {
                    throw new JsonException($"Message '{id}' ({role}) must have a string 'content'.");
                }
                break;
            case MessageRoles.User or MessageRoles.Tool: // a tool result as content parts: AG-UI 1.0
                if (content is not { ValueKind: JsonValueKind.String or JsonValueKind.Array })
                {
                    throw new JsonException($"Message '{id}' ({role}) must have a string or array 'content'.");
                }
                if (content.Value.ValueKind == JsonValueKind.Array)
                {
                    foreach (var part in content.Value.EnumerateArray())
                    {
                        ValidateInputPart(id, part);
                    }
                }
                break;
            case MessageRoles.Assistant:
                if (content is { ValueKind: not JsonValueKind.String })
                {
                    throw new JsonException($"Message '{id}' (assistant) 'content' must be a string.");
                }
                break;
            case MessageRoles.Activity:
                if (content is not { ValueKind: JsonValueKind.Object })
                {
                    throw new JsonException($"Message '{id}' (activity) must have an object 'content'.");
                }
                break;
            default:
                throw new JsonException($"Message '{id}' has an unknown role '{role}'.");
        }

        IReadOnlyList<ToolCall>? toolCalls = null;
        if (role == MessageRoles.Assistant && Optional(o, "toolCalls") is { } tc)
        {
            toolCalls = tc.Deserialize(AgUiJson.Context.IReadOnlyListToolCall)
                ?? throw new JsonException($"Message '{id}' 'toolCalls' must be an array.");
        }

        return new Message
        {
            Id = id,
            Role = role,
            Content = contentValue,
            Name = role is MessageRoles.Tool or MessageRoles.Activity ? null : OptionalString(o, "name"),
            ToolCalls = toolCalls,
            ToolCallId = role == MessageRoles.Tool ? RequiredString(o, "toolCallId") : null,
            Error = role == MessageRoles.Tool ? OptionalString(o, "error") : null,
            ActivityType = role == MessageRoles.Activity ? RequiredString(o, "activityType") : null,
            EncryptedValue = OptionalString(o, "encryptedValue"),
            Metadata = Optional(o, "metadata") is { ValueKind: JsonValueKind.Object } m ? m.Clone()
                : Optional(o, "metadata") is null ? null : throw new JsonException($"Message '{id}' 'metadata' must be an object."),
        };
    }

    public override void Write(Utf8JsonWriter writer, Message value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("id", value.Id);
        switch (value.Role)
        {
            case MessageRoles.Tool:
                WriteContent(writer, value);
                writer.WriteString("role", value.Role);
                writer.WriteString("toolCallId", value.ToolCallId ?? "");
                if (value.Error is not null)
                {
                    writer.WriteString("error", value.Error);
                }
                break;
            case MessageRoles.Activity:
                writer.WriteString("role", value.Role);
                writer.WriteString("activityType", value.ActivityType ?? "");
                WriteContent(writer, value);
                break;
            default:
                writer.WriteString("role", value.Role);
                WriteContent(writer, value);
                if (value.Name is not null)
                {
                    writer.WriteString("name", value.Name);
                }
                if (value.ToolCalls is not null)
                {
                    writer.WritePropertyName("toolCalls");
                    JsonSerializer.Serialize(writer, value.ToolCalls, AgUiJson.Context.IReadOnlyListToolCall);
                }
                break;
        }
        if (value.EncryptedValue is not null)
        {
            writer.WriteString("encryptedValue", value.EncryptedValue);
        }
        if (value.Metadata is { } metadata)
        {
            writer.WritePropertyName("metadata");
            metadata.WriteTo(writer);
        }
        writer.WriteEndObject();
    }

    private static void WriteContent(Utf8JsonWriter writer, Message value)
    {
        if (value.Content is { } content)
        {
            writer.WritePropertyName("content");
            content.WriteTo(writer);
        }
    }

    private static void ValidateInputPart(string id, JsonElement part)
    {
        if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            throw new JsonException($"Message '{id}' has a content part without a 'type'.");
        }
        switch (type.GetString())
        {
            case "text":
                if (!part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                {
                    throw new JsonException($"Message '{id}' has a text part without 'text'.");
                }
                break;
            case "image" or "audio" or "video" or "document":
                if (!part.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.Object
                    || !source.TryGetProperty("type", out var st) || !(st.ValueEquals("data") || st.ValueEquals("url") || st.ValueEquals("file"))
                    || !source.TryGetProperty("value", out var sv) || sv.ValueKind != JsonValueKind.String)
                {
                    throw new JsonException($"Message '{id}' has a {type.GetString()} part without a valid 'source'.");
                }
                break;
            case "binary":
                if (!part.TryGetProperty("mimeType", out var mime) || mime.ValueKind != JsonValueKind.String)
                {
                    throw new JsonException($"Message '{id}' has a binary part without 'mimeType'.");
                }
                if (!part.TryGetProperty("id", out _) && !part.TryGetProperty("url", out _) && !part.TryGetProperty("data", out _))
                {
                    throw new JsonException("BinaryInputContent requires at least one of id, url, or data.");
                }
                break;
            default:
                throw new JsonException($"Message '{id}' has a content part of unknown type '{type.GetString()}'.");
        }
    }

    private static JsonElement? Optional(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? v : null;

    private static string RequiredString(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new JsonException($"Message field '{name}' is required and must be a string.");

    private static string? OptionalString(JsonElement o, string name) => Optional(o, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        _ => throw new JsonException($"Message field '{name}' must be a string."),
    };
}
