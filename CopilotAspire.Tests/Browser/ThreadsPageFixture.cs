using CopilotAspire.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CopilotAspire.Tests.Browser;

/// <summary>
/// Two replicas as a browser sees them, shared by one test class: one redis-server, two real Api processes on the
/// Redis runner, and a Web host in front of each (replica A's page only reaches Api A, replica B's only Api B, so every
/// request is pinned to its replica), plus one headless Chromium.
/// </summary>
public sealed class ThreadsPageFixture : IAsyncLifetime
{
    private readonly RedisServerFixture _redis = new();
    private readonly List<IAsyncDisposable> _processes = [];
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public ApiProcess ApiA { get; private set; } = null!;

    public ApiProcess ApiB { get; private set; } = null!;

    /// <summary>The Web host in front of Api A: <c>http://127.0.0.1:port</c>.</summary>
    public string PageA { get; private set; } = "";

    /// <summary>The Web host in front of Api B.</summary>
    public string PageB { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var browser = Chromium.LaunchAsync();
        await _redis.InitializeAsync();
        var environment = new Dictionary<string, string>
        {
            ["CopilotRuntime__Runner"] = "Redis",
            ["ConnectionStrings__redis"] = _redis.ConnectionString,
        };
        var apis = await Task.WhenAll(ApiProcess.StartAsync(environment, ct), ApiProcess.StartAsync(environment, ct));
        (ApiA, ApiB) = (apis[0], apis[1]);
        _processes.AddRange(apis);
        var webs = await Task.WhenAll(
            WebStack.StartInFrontOfAsync(ApiA.BaseAddress.GetLeftPart(UriPartial.Authority), ct),
            WebStack.StartInFrontOfAsync(ApiB.BaseAddress.GetLeftPart(UriPartial.Authority), ct));
        _processes.AddRange(webs);
        (PageA, PageB) = (webs[0].BaseUrl, webs[1].BaseUrl);
        (_playwright, Browser) = await browser;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }
        await _redis.DisposeAsync();
    }
}
