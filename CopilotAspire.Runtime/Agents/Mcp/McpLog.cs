using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Agents;

/// <summary>Log messages of the BuiltInAgent's MCP tools (ids 2500–2519).</summary>
internal static partial class McpLog
{
    [LoggerMessage(EventId = 2500, Level = LogLevel.Error, Message = "Run {ThreadId}/{RunId}: MCP server {Server} failed to connect; skipping it for this run")]
    public static partial void ConnectFailed(ILogger logger, string threadId, string runId, string server, Exception exception);

    [LoggerMessage(EventId = 2501, Level = LogLevel.Error, Message = "Run {ThreadId}/{RunId}: listing the tools of MCP server {Server} failed; skipping its tools for this run")]
    public static partial void ListToolsFailed(ILogger logger, string threadId, string runId, string server, Exception exception);

    [LoggerMessage(EventId = 2502, Level = LogLevel.Debug, Message = "Run {ThreadId}/{RunId}: MCP server {Server} offers {Count} tools")]
    public static partial void ToolsListed(ILogger logger, string threadId, string runId, string server, int count);

    [LoggerMessage(EventId = 2503, Level = LogLevel.Warning, Message = "Closing MCP server {Server} failed")]
    public static partial void CloseFailed(ILogger logger, string server, Exception exception);
}
