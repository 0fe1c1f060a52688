using CopilotAspire.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CopilotAspire.Tests.Browser;

/// <summary>
/// The README's picture of the page (<c>docs/screenshot.png</c>), taken by the scripted-chat test when
/// <c>UPDATE_SCREENSHOT=1</c>: <c>UPDATE_SCREENSHOT=1 dotnet test CopilotAspire.Tests --filter "FullyQualifiedName~Browser.ChatPageTests.Scripted"</c>.
/// </summary>
public static class ReadmeScreenshot
{
    public const string EnvironmentVariable = "UPDATE_SCREENSHOT";

    public static string FilePath { get; } = Path.Combine(NodeClient.RepoRoot(), "docs", "screenshot.png");

    public static async Task SaveIfRequestedAsync(IPage page)
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) != "1")
        {
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = FilePath });
    }
}
