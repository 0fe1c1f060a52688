using System.Text;
using System.Text.Json;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Extensions.AI;

namespace CopilotAspire.Runtime.Agents;

/// <summary>What <see cref="BuiltInAgent"/> sends to the model: the system prompt and messages of wire spec §10.3.</summary>
internal static class ModelInput
{
    private static readonly JsonWriterOptions s_stateWriterOptions = new()
    {
        Indented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JsonStringifyEncoder.Instance,
    };

    /// <summary>
    /// The system prompt, or <see langword="null"/> when there is no prompt, no context and no state: the prompt, then
    /// the context entries, then the state as <c>JSON.stringify(state, null, 2)</c>, concatenated.
    /// </summary>
    public static string? BuildSystemPrompt(string? prompt, RunAgentInput input)
    {
        var hasPrompt = !string.IsNullOrEmpty(prompt);
        var hasContext = input.Context.Count > 0;
        var hasState = HasState(input.State);
        if (!hasPrompt && !hasContext && !hasState)
        {
            return null;
        }

        var text = new StringBuilder();
        if (hasPrompt)
        {
            text.Append(prompt);
        }
        if (hasContext)
        {
            text.Append("\n## Context from the application\n");
            foreach (var context in input.Context)
            {
                text.Append(context.Description).Append(":\n").Append(context.Value).Append('\n');
            }
        }
        if (hasState)
        {
            text.Append("\n## Application State\n")
                .Append("This is state from the application that you can edit by calling AGUISendStateSnapshot or AGUISendStateDelta.\n")
                .Append("```json\n").Append(StringifyIndented(input.State!.Value)).Append("\n```\n");
        }
        return text.ToString();
    }

    /// <summary>State counts unless it is absent, <c>null</c>, or has no keys (<c>{}</c>, <c>[]</c>).</summary>
    public static bool HasState(JsonElement? state) => state is { } s && s.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => false,
        JsonValueKind.Object => s.EnumerateObject().Any(),
        JsonValueKind.Array => s.GetArrayLength() > 0,
        _ => true,
    };

    /// <summary>The conversation: the built system prompt first, then the input messages converted.</summary>
    public static List<ChatMessage> BuildMessages(RunAgentInput input, BasicAgentOptions options)
    {
        var messages = new List<ChatMessage>(input.Messages.Count + 1);
        if (BuildSystemPrompt(options.Prompt, input) is { } system)
        {
            messages.Add(new ChatMessage(ChatRole.System, system));
        }
        foreach (var message in input.Messages)
        {
            switch (message.Role)
            {
                case MessageRoles.System when options.ForwardSystemMessages:
                case MessageRoles.Developer when options.ForwardDeveloperMessages:
                    messages.Add(new ChatMessage(ChatRole.System, message.Text ?? ""));
                    break;
                case MessageRoles.User:
                    messages.Add(new ChatMessage(ChatRole.User, UserContents(message)));
                    break;
                case MessageRoles.Assistant when AssistantMessage(message) is { Contents.Count: > 0 } assistant:
                    messages.Add(assistant);
                    break;
                case MessageRoles.Tool:
                    messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(message.ToolCallId ?? "", message.Text ?? "")]));
                    break;
            }
        }
        return messages;
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
    /// One input part: <c>text</c>; <c>image|audio|video|document</c> with a <c>data</c> (base64), <c>url</c> or
    /// <c>file</c> (a provider's file id, AG-UI 1.0) source;
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
        if (String(source, "type") == "file")
        {
            // AG-UI 1.0: a file the provider already holds, named by the id it issued; no bytes travel.
            return new HostedFileContent(value) { MediaType = mediaType };
        }
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

    /// <summary><c>JSON.stringify(value, null, 2)</c>.</summary>
    public static string StringifyIndented(JsonElement value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_stateWriterOptions))
        {
            value.WriteTo(writer);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
