using CopilotAspire.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CopilotAspire.Tests.Browser;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, or <c>CHROMIUM_PATH</c>) driven by Playwright's bundled node driver.
/// Nothing downloads a browser: Playwright is only given the executable. Each launch gets a fresh temporary profile
/// (Playwright's own user-data-dir). The fake microphone plays <c>fakeAudioWav</c> in a loop (or a beep without one).
/// </summary>
public static class Chromium
{
    public static string ExecutablePath { get; } = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync(string? fakeAudioWav = null)
    {
        if (!File.Exists(ExecutablePath))
        {
            Assert.Fail($"Chromium is not installed at {ExecutablePath}: `sudo apt-get install chromium` (the README's test command does), or set CHROMIUM_PATH.");
        }
        // A loaded 2-core machine runs the Api, the Web host and Chromium at once: give the page time to follow.
        Assertions.SetDefaultExpectTimeout(20_000);
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args =
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                    .. (fakeAudioWav is null ? Array.Empty<string>() : ["--use-file-for-fake-audio-capture=" + fakeAudioWav]),
                ],
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Where failure screenshots go: <c>artifacts/browser-screenshots/</c> at the repository root.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(NodeClient.RepoRoot(), "artifacts", "browser-screenshots");

    /// <summary>Runs <paramref name="test"/> on a new page in its own context; on failure saves a full-page screenshot, then rethrows.</summary>
    public static async Task RunPageAsync(this IBrowser browser, string baseUrl, string name, Func<IPage, Task> test)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            Permissions = ["microphone"],
            ViewportSize = new ViewportSize { Width = 1100, Height = 760 },
        });
        var page = await context.NewPageAsync();
        try
        {
            await test(page);
        }
        catch
        {
            Directory.CreateDirectory(ScreenshotDirectory);
            var file = Path.Combine(ScreenshotDirectory, name + ".png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
            TestContext.Current.SendDiagnosticMessage($"Screenshot of the failed page: {file}");
            throw;
        }
    }
}
