using Microsoft.Extensions.Logging;

namespace CopilotAspire.AppHost.Launcher;

/// <summary>The launcher link's log messages (event ids 2000-2099).</summary>
internal static partial class LauncherLog
{
    [LoggerMessage(EventId = 2000, EventName = "LauncherEnded", Level = LogLevel.Information,
        Message = "The launcher has ended (standard input closed): stopping the app.")]
    public static partial void LauncherEnded(ILogger logger);

    [LoggerMessage(EventId = 2001, EventName = "LauncherReady", Level = LogLevel.Debug,
        Message = "Resources {Resources} are healthy: wrote {ReadyFile}.")]
    public static partial void Ready(ILogger logger, string resources, string readyFile);
}
