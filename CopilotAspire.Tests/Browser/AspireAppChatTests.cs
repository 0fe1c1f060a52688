using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using CopilotAspire.Tests.Transcription;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CopilotAspire.Tests.Browser;

/// <summary>
/// The whole Aspire app (Aspire.Hosting.Testing: redis-server, the Transcriber on a generated model, two Api replicas
/// on the Redis runner, the <c>web</c> resource) in headless Chromium. The page is first used through the app's own
/// <c>web</c> resource; then the same thread is reloaded through a Web host pinned to each Api replica in turn, so a
/// turn taken on one replica is shown by the other: Redis holds the thread.
/// </summary>
public sealed class AspireAppChatTests
{
    [Fact]
    public async Task The_apps_web_resource_serves_the_chat_and_a_reload_on_the_other_replica_shows_the_thread()
    {
        var ct = TestContext.Current.CancellationToken;
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CopilotAspire_AppHost>(
            ["Redis:Mode=local", "Transcriber:Model=" + GeneratedWhisperModel.DefaultPath],
            (options, _) => options.DisableDashboard = true, ct);
        await using var app = await appHost.BuildAsync(ct);
        var replicaUrls = ApiReplicaUrlsAsync(app, ct);
        await app.StartAsync(ct);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("web", ct).WaitAsync(TimeSpan.FromMinutes(3), ct);
        var replicas = await replicaUrls.WaitAsync(TimeSpan.FromMinutes(1), ct);

        await using var onReplica1 = await WebStack.StartInFrontOfAsync(replicas[0], ct);
        await using var onReplica2 = await WebStack.StartInFrontOfAsync(replicas[1], ct);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var appUrl = app.GetEndpoint("web", "http").GetLeftPart(UriPartial.Authority);

        string thread = "";
        await browser.RunPageAsync(appUrl, "aspire-web", async page =>
        {
            var chat = new ChatPage(page);
            await chat.OpenAsync("/?agent=scripted");
            await chat.SendAsync("through the app");
            await Expect(chat.ToolCards.GetByTestId("tool-card-result")).ToHaveCountAsync(1);
            thread = chat.ThreadId;
        });
        var path = $"/?agent=scripted&thread={thread}";

        await browser.RunPageAsync(onReplica1.BaseUrl, "aspire-replica-1", async page =>
        {
            var chat = new ChatPage(page);
            await chat.OpenAsync(path);
            await Expect(chat.UserMessages).ToHaveTextAsync(["through the app"]);
            await chat.SendAsync("on replica one");
            await Expect(chat.ToolCards.GetByTestId("tool-card-result")).ToHaveCountAsync(2);
        });

        await browser.RunPageAsync(onReplica2.BaseUrl, "aspire-replica-2", async page =>
        {
            var chat = new ChatPage(page);
            await chat.OpenAsync(path);
            await Expect(chat.UserMessages).ToHaveTextAsync(["through the app", "on replica one"]);
            await Expect(chat.ToolCards.GetByTestId("tool-card-echo")).ToHaveTextAsync(["through the app", "on replica one"]);
            Assert.Contains("\"echo\": \"on replica one\"", await chat.StateJsonAsync());
        });
    }

    /// <summary>Each Api replica's own URL (its <c>ASPNETCORE_URLS</c>), once two replicas run and answer <c>/health</c>.</summary>
    private static async Task<string[]> ApiReplicaUrlsAsync(DistributedApplication app, CancellationToken ct)
    {
        var urls = new Dictionary<string, string>();
        await foreach (var e in app.ResourceNotifications.WatchAsync(ct))
        {
            if (e.Resource.Name == "api" && e.Snapshot.State?.Text == KnownResourceStates.Running
                && e.Snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value is { Length: > 0 } url)
            {
                urls[e.ResourceId] = url.Split(';')[0].Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
                if (urls.Count == 2)
                {
                    break;
                }
            }
        }
        using var http = new HttpClient();
        foreach (var url in urls.Values)
        {
            // Running is not yet listening: poll the replica's own /health until it answers.
            while (true)
            {
                try
                {
                    using var health = await http.GetAsync(url + "/health", ct);
                    if (health.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }
                await Task.Delay(100, ct);
            }
        }
        return [.. urls.Values];
    }
}
