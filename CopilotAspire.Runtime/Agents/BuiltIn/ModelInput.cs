using System.Text;
using System.Text.Json;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Extensions.AI;

namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>
/// What <see cref="BuiltInAgent"/> sends to the model: the system prompt and messages of wire spec §10.3 (the messages
/// converted by the shared <see cref="ChatInput"/>).
/// </summary>
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
    public static List<ChatMessage> BuildMessages(RunAgentInput input, BuiltInAgentOptions options)
    {
        var messages = new List<ChatMessage>(input.Messages.Count + 1);
        if (BuildSystemPrompt(options.Prompt, input) is { } system)
        {
            messages.Add(new ChatMessage(ChatRole.System, system));
        }
        ChatInput.AddMessages(messages, input.Messages, options.ForwardSystemMessages, options.ForwardDeveloperMessages);
        return messages;
    }

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
