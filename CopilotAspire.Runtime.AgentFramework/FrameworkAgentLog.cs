using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.AgentFramework;

/// <summary>Log messages of <see cref="FrameworkAgent"/> (event ids 2400–2499).</summary>
internal static partial class FrameworkAgentLog
{
    [LoggerMessage(EventId = 2400, Level = LogLevel.Warning, Message = "Run {ThreadId}/{RunId}: the agent could not be created ({ErrorType}): {Reason}")]
    public static partial void AgentUnavailable(ILogger logger, string threadId, string runId, string errorType, string reason);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "Run {ThreadId}/{RunId}: the agent failed ({ErrorType}): {Reason}")]
    public static partial void AgentFailed(ILogger logger, string threadId, string runId, string errorType, string reason);
}
