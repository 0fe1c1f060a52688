namespace CopilotAspire.Web.Hosting;

internal static partial class WebLog
{
    [LoggerMessage(1, LogLevel.Information, "Proxying {Paths} to {ApiAddress}", EventName = "RuntimeProxy")]
    public static partial void RuntimeProxy(ILogger logger, string paths, Uri apiAddress);

    [LoggerMessage(2, LogLevel.Warning, "No front-end build at {WebRoot}: build CopilotAspire.Web (dotnet build runs npm ci and vite build)", EventName = "NoFrontEndBuild")]
    public static partial void NoFrontEndBuild(ILogger logger, string webRoot);
}
