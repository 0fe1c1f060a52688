namespace CopilotAspire.Runtime.Protocol;

/// <summary>The values of <see cref="Message.Role"/> (wire spec §4.1).</summary>
public static class MessageRoles
{
    /// <summary>Instructions from the application's developer (text).</summary>
    public const string Developer = "developer";
    /// <summary>A system prompt (text).</summary>
    public const string System = "system";
    /// <summary>The agent's reply: text, tool calls, or both.</summary>
    public const string Assistant = "assistant";
    /// <summary>The user's turn: text or content parts (text, image, audio, video, document).</summary>
    public const string User = "user";
    /// <summary>The result of a tool call.</summary>
    public const string Tool = "tool";
    /// <summary>A structured activity the client renders itself; never sent to an agent.</summary>
    public const string Activity = "activity";
    /// <summary>The model's reasoning, from <c>REASONING_MESSAGE_*</c> events.</summary>
    public const string Reasoning = "reasoning";
}
