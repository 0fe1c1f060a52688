using Aspire.Hosting.Testing;
using CopilotAspire.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace CopilotAspire.Tests.AppHost;

/// <summary>The chat page in the Aspire app (the <c>web</c> resource), in headless Chromium.</summary>
[Kind(TestKind.Aspire)]
public sealed partial class AspireAppTests
{
    /// <summary>
    /// The page is first used through the app's own <c>web</c> resource (its proxy reaches the Api replicas through
    /// DCP's); then the same thread is reloaded through a Web host pinned to each Api replica in turn, so a turn taken
    /// on one replica is shown by the other: Redis holds the thread. The threads panel renames it through replica 1;
    /// replica 2 lists it with that name and deletes it.
    /// </summary>
    [Fact]
    public async Task The_web_resource_serves_the_chat_and_a_reload_on_the_other_replica_shows_the_thread()
    {
        await app.App.ResourceNotifications.WaitForResourceHealthyAsync("web", Ct).WaitAsync(TimeSpan.FromMinutes(2), Ct);
        await using var onReplica1 = await WebStack.StartInFrontOfAsync(app.Replicas[0].BaseAddress!.GetLeftPart(UriPartial.Authority), Ct);
        await using var onReplica2 = await WebStack.StartInFrontOfAsync(app.Replicas[1].BaseAddress!.GetLeftPart(UriPartial.Authority), Ct);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;

        var thread = "";
        await browser.RunPageAsync(app.App.GetEndpoint("web", "http").GetLeftPart(UriPartial.Authority), "aspire-web", async page =>
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
            await chat.RenameThreadAsync(thread, "Made in the app"); // the threads panel, through replica 1
            await Expect(chat.ThreadRow(thread).GetByTestId("thread-name")).ToHaveTextAsync("Made in the app");
        });

        await browser.RunPageAsync(onReplica2.BaseUrl, "aspire-replica-2", async page =>
        {
            var chat = new ChatPage(page);
            await chat.OpenAsync(path);
            await Expect(chat.UserMessages).ToHaveTextAsync(["through the app", "on replica one"]);
            await Expect(chat.ToolCards.GetByTestId("tool-card-echo")).ToHaveTextAsync(["through the app", "on replica one"]);
            Assert.Contains("\"echo\": \"on replica one\"", await chat.StateJsonAsync());

            // Replica 2 lists the thread with the name given on replica 1, and deletes it.
            await Expect(chat.ThreadRow(thread).GetByTestId("thread-name")).ToHaveTextAsync("Made in the app");
            await chat.DeleteThreadAsync(thread);
            await Expect(chat.ThreadRow(thread)).ToHaveCountAsync(0);
            await Expect(chat.UserMessages).ToHaveCountAsync(0);
        });
    }
}
