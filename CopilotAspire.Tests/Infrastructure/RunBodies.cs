using System.Text.Json.Nodes;

namespace CopilotAspire.Tests.Infrastructure;

/// <summary>Request bodies for the agent routes of a runtime running in another process.</summary>
public static class RunBodies
{
    /// <summary>A <c>RunAgentInput</c> with one user message (<c>""</c> text for a connect).</summary>
    public static JsonObject Input(string threadId, string runId, string text) => new()
    {
        ["threadId"] = threadId,
        ["runId"] = runId,
        ["messages"] = new JsonArray(new JsonObject { ["id"] = runId + "-user", ["role"] = "user", ["content"] = text }),
        ["tools"] = new JsonArray(),
        ["context"] = new JsonArray(),
        ["forwardedProps"] = new JsonObject(),
    };
}
