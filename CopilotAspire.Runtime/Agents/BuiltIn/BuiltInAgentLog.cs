using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>Log messages of <see cref="BuiltInAgent"/> (never with keys: provider messages are redacted first).</summary>
internal static partial class BuiltInAgentLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Run {ThreadId}/{RunId}: the model is not available: {Reason}")]
    public static partial void ModelUnavailable(ILogger logger, string threadId, string runId, string reason);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Run {ThreadId}/{RunId}: the model call failed ({ErrorType}): {Reason}")]
    public static partial void ModelCallFailed(ILogger logger, string threadId, string runId, string errorType, string reason);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Server tool {Tool} failed in run {ThreadId}/{RunId}")]
    public static partial void ToolFailed(ILogger logger, string tool, string threadId, string runId, Exception exception);
}
