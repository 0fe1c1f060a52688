using System.Text.Json;
using CopilotAspire.Runtime.Agents.BuiltIn;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Extensions.AI;

namespace CopilotAspire.Runtime.Agents;

/// <summary>
/// AG-UI input messages as Microsoft.Extensions.AI messages (wire spec §10.3), shared by <see cref="BuiltInAgent"/>
/// and the Microsoft Agent Framework adapter: user text and media parts, assistant text and tool calls, tool results;
/// system and developer messages only when asked for (as system messages); activity and reasoning messages dropped.
/// </summary>
internal static class ChatInput
{
    private static readonly JsonElement s_emptyObjectSchema = AgUiJson.Parse("""{"type":"object","properties":{}}""");

    /// <summary>A client (frontend) tool as a declaration only: the model may call it; nothing here runs it.</summary>
    public static AIFunctionDeclaration ToolDeclaration(Tool tool)
    {
        var schema = tool.Parameters is { ValueKind: JsonValueKind.Object } parameters ? parameters : s_emptyObjectSchema;
        return AIFunctionFactory.CreateDeclaration(tool.Name, tool.Description, schema);
    }

    /// <summary>Appends <paramref name="messages"/> converted to <paramref name="into"/>.</summary>
    /// <exception cref="FormatException">A media part's base64 data is malformed.</exception>
    /// <exception cref="UriFormatException">A media part's URL is malformed.</exception>
    public static void AddMessages(List<ChatMessage> into, IReadOnlyList<Message> messages, bool forwardSystem, bool forwardDeveloper)
    {
        foreach (var message in messages)
        {
            switch (message.Role)
            {
                case MessageRoles.System when forwardSystem:
                case MessageRoles.Developer when forwardDeveloper:
                    into.Add(new ChatMessage(ChatRole.System, message.Text ?? ""));
                    break;
                case MessageRoles.User:
                    into.Add(new ChatMessage(ChatRole.User, UserContents(message)));
                    break;
                case MessageRoles.Assistant when AssistantMessage(message) is { Contents.Count: > 0 } assistant:
                    into.Add(assistant);
                    break;
                case MessageRoles.Tool:
                    into.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(message.ToolCallId ?? "", message.Text ?? "")]));
                    break;
            }
        }
    }

    private static ChatMessage AssistantMessage(Message message)
    {
        var contents = new List<AIContent>();
        if (message.Text is { Length: > 0 } text)
        {
            contents.Add(new TextContent(text));
        }
        foreach (var call in message.ToolCalls ?? [])
        {
            contents.Add(new FunctionCallContent(call.Id, call.Function.Name, ParseArguments(call.Function.Arguments)));
        }
        return new ChatMessage(ChatRole.Assistant, contents);
    }

    /// <summary>The AI SDK's <c>safeParseToolArgs</c>: a JSON object's properties, or none.</summary>
    public static Dictionary<string, object?> ParseArguments(string? json)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return arguments;
        }
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in doc.RootElement.EnumerateObject())
                {
                    arguments[property.Name] = property.Value.Clone();
                }
            }
        }
        catch (JsonException)
        {
            // Malformed arguments are sent as an empty object, as the official agent does.
        }
        return arguments;
    }

    private static List<AIContent> UserContents(Message message)
    {
        if (message.Content is not { ValueKind: JsonValueKind.Array } parts)
        {
            return [new TextContent(message.Text ?? "")];
        }
        var contents = new List<AIContent>();
        foreach (var part in parts.EnumerateArray())
        {
            if (UserPart(part) is { } content)
            {
                contents.Add(content);
            }
        }
        return contents;
    }

    /// <summary>
    /// One input part: <c>text</c>; <c>image|audio|video|document</c> with a <c>data</c> (base64) or <c>url</c> source;
    /// legacy <c>binary</c> with <c>data</c> or <c>url</c> (an <c>id</c>-only binary part has nothing to send).
    /// </summary>
    private static AIContent? UserPart(JsonElement part)
    {
        var type = part.GetProperty("type").GetString();
        if (type == "text")
        {
            return new TextContent(part.GetProperty("text").GetString());
        }
        if (type == "binary")
        {
            var mime = String(part, "mimeType") ?? "application/octet-stream";
            if (String(part, "data") is { } data)
            {
                return FromData(data, mime);
            }
            return String(part, "url") is { } url ? FromUrl(url, mime, type) : null;
        }
        var source = part.GetProperty("source");
        var value = String(source, "value") ?? "";
        var mediaType = String(source, "mimeType");
        return String(source, "type") == "data"
            ? FromData(value, mediaType ?? DefaultMediaType(type))
            : FromUrl(value, mediaType, type);
    }

    private static AIContent FromData(string data, string mediaType)
    {
        // A data: URI carries its own media type; plain base64 gets the part's.
        if (data.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return new DataContent(data);
        }
        return new DataContent(Convert.FromBase64String(data), mediaType);
    }

    private static AIContent FromUrl(string url, string? mediaType, string? partType)
    {
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return new DataContent(url);
        }
        return new UriContent(new Uri(url, UriKind.Absolute), mediaType ?? DefaultMediaType(partType));
    }

    private static string DefaultMediaType(string? partType) => partType switch
    {
        "image" => "image/*",
        "audio" => "audio/*",
        "video" => "video/*",
        "document" => "application/pdf",
        _ => "application/octet-stream",
    };

    private static string? String(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
