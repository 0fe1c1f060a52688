using System.Net;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CopilotAspire.Tests.Browser;

/// <summary>
/// The chat page's threads panel (CopilotKit's <c>useThreads</c> on the runtime's <c>/threads</c> routes) in headless
/// Chromium, through two replicas on one Redis: replica A's page reaches only Api A, replica B's only Api B. Threads are
/// made by chatting, listed, switched, renamed, archived, unarchived and deleted, across the replicas.
/// </summary>
[Kind(TestKind.Browser)]
public sealed class ThreadsPanelTests(ThreadsPageFixture app) : IClassFixture<ThreadsPageFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Runs <paramref name="test"/> with a page on replica A and another on replica B (one browser context).</summary>
    private Task RunAsync(string name, Func<ChatPage, ChatPage, Task> test) =>
        app.Browser.RunPageAsync(app.PageA, name, async page =>
        {
            var pageB = await page.Context.NewPageAsync();
            await test(new ChatPage(page), new ChatPage(pageB));
        });

    /// <summary>Sends a message to the scripted agent and waits until its run has ended (its tool result is shown).</summary>
    private static async Task ChatAsync(ChatPage chat, string text)
    {
        var results = await chat.ToolCards.GetByTestId("tool-card-result").CountAsync();
        await chat.SendAsync(text);
        await Expect(chat.ToolCards.GetByTestId("tool-card-result")).ToHaveCountAsync(results + 1);
        await Expect(chat.RunStatus).ToHaveTextAsync("idle");
    }

    [Fact]
    public Task Two_threads_made_by_chatting_are_listed_and_each_shows_its_own_messages() => RunAsync("threads-switch", async (a, _) =>
    {
        await a.OpenAsync("/?agent=scripted");
        await ChatAsync(a, "alpha one");
        var first = a.ThreadId;
        await a.Page.GetByTestId("new-thread").ClickAsync();
        await Expect(a.UserMessages).ToHaveCountAsync(0);
        await ChatAsync(a, "beta two");
        var second = a.ThreadId;
        Assert.NotEqual(first, second);

        // Both are listed, the latest first; the open one is marked.
        await Expect(a.ThreadRow(first)).ToBeVisibleAsync();
        await Expect(a.ThreadRow(second)).ToHaveAttributeAsync("aria-current", "true");
        var order = await a.ThreadRows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.threadId)");
        Assert.True(Array.IndexOf(order, second) < Array.IndexOf(order, first), string.Join(", ", order));

        // Switching connects to the thread: the chat shows that thread's messages only.
        await a.ThreadRow(first).GetByTestId("thread-open").ClickAsync();
        await Expect(a.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("thread=" + first));
        await Expect(a.UserMessages).ToHaveTextAsync(["alpha one"]);
        await Expect(a.ToolCards.GetByTestId("tool-card-echo")).ToHaveTextAsync(["alpha one"]);
        await Expect(a.ThreadRow(first)).ToHaveAttributeAsync("aria-current", "true");

        await a.ThreadRow(second).GetByTestId("thread-open").ClickAsync();
        await Expect(a.UserMessages).ToHaveTextAsync(["beta two"]);
        await Expect(a.ToolCards.GetByTestId("tool-card-echo")).ToHaveTextAsync(["beta two"]);
    });

    [Fact]
    public Task A_thread_made_through_one_replica_is_renamed_archived_and_deleted_through_the_other() => RunAsync("threads-replicas", async (a, b) =>
    {
        await a.OpenAsync("/?agent=scripted");
        await ChatAsync(a, "made on A");
        var thread = a.ThreadId;

        // Replica B lists it, and renames it; the name survives a reload on either replica.
        await b.Page.GotoAsync(app.PageB + "/?agent=scripted");
        await Expect(b.ThreadRow(thread)).ToBeVisibleAsync();
        await Expect(b.ThreadRow(thread).GetByTestId("thread-name")).ToHaveTextAsync("Untitled");
        await b.RenameThreadAsync(thread, "Trip to Lisbon");
        await Expect(b.ThreadRow(thread).GetByTestId("thread-name")).ToHaveTextAsync("Trip to Lisbon");
        await b.ReloadAsync();
        await Expect(b.ThreadRow(thread).GetByTestId("thread-name")).ToHaveTextAsync("Trip to Lisbon");
        await a.ReloadAsync();
        await Expect(a.ThreadRow(thread).GetByTestId("thread-name")).ToHaveTextAsync("Trip to Lisbon");

        // B opens it: the history made on A comes through B's connect.
        await b.ThreadRow(thread).GetByTestId("thread-open").ClickAsync();
        await Expect(b.UserMessages).ToHaveTextAsync(["made on A"]);

        // Archive: gone from the list until "Show archived"; unarchive brings it back.
        await b.ArchiveThreadAsync(thread);
        await Expect(b.ThreadRow(thread)).ToHaveCountAsync(0);
        await b.Page.GetByTestId("threads-show-archived").CheckAsync();
        await Expect(b.ThreadRow(thread)).ToHaveAttributeAsync("data-archived", "true");
        await b.UnarchiveThreadAsync(thread);
        await Expect(b.ThreadRow(thread)).ToHaveAttributeAsync("data-archived", "false");
        await b.Page.GetByTestId("threads-show-archived").UncheckAsync();
        await Expect(b.ThreadRow(thread)).ToBeVisibleAsync();
        await Expect(b.ThreadsMessage).ToHaveCountAsync(0);

        // Delete asks first; Cancel keeps the thread.
        await b.ThreadRow(thread).GetByTestId("thread-delete").ClickAsync();
        await b.ThreadRow(thread).GetByTestId("thread-delete-cancel").ClickAsync();
        await Expect(b.ThreadRow(thread).GetByTestId("thread-delete-confirm")).ToHaveCountAsync(0);
        await Expect(b.UserMessages).ToHaveTextAsync(["made on A"]);

        // Delete on B (the open thread: B moves to a new one); A no longer lists it and its messages are gone.
        await b.DeleteThreadAsync(thread);
        await Expect(b.ThreadRow(thread)).ToHaveCountAsync(0);
        await Expect(b.UserMessages).ToHaveCountAsync(0);
        Assert.NotEqual(thread, b.ThreadId);
        await Expect(b.ThreadsMessage).ToHaveCountAsync(0);

        await a.ReloadAsync();
        Assert.Equal(thread, a.ThreadId);
        await Expect(a.ThreadRow(thread)).ToHaveCountAsync(0);
        await Expect(a.UserMessages).ToHaveCountAsync(0);
        using var messages = await app.ApiA.Client.GetAsync($"/api/copilotkit/threads/{thread}/messages", Ct);
        Assert.Equal(HttpStatusCode.OK, messages.StatusCode);
        Assert.Equal("""{"messages":[]}""", await messages.Content.ReadAsStringAsync(Ct));
    });

    [Fact]
    public Task A_thread_with_a_run_in_progress_is_not_deleted_and_the_panel_says_why() => RunAsync("threads-running", async (a, b) =>
    {
        await a.OpenAsync("/?agent=scripted");
        await a.SendAsync("tokens:100000 delay:20");
        await Expect(a.RunStatus).ToHaveTextAsync("running");
        var thread = a.ThreadId;

        // B follows the run (its connect tails the run from Redis) and tries to delete the thread: 409 thread_running.
        await b.Page.GotoAsync(app.PageB + "/?agent=scripted");
        await b.ThreadRow(thread).GetByTestId("thread-open").ClickAsync();
        await Expect(b.RunStatus).ToHaveTextAsync("running");
        await b.DeleteThreadAsync(thread);
        await Expect(b.ThreadsMessage).ToContainTextAsync("thread_running");
        await Expect(b.ThreadRow(thread)).ToBeVisibleAsync();
        Assert.Equal(thread, b.ThreadId);

        // Stopped on A; B's tail ends with the run's last events, which Redis stores as it frees the thread, so the
        // delete now goes through.
        await a.SendButton.ClickAsync();
        await Expect(a.RunStatus).ToHaveTextAsync("idle");
        await Expect(b.RunStatus).ToHaveTextAsync("idle");
        await b.ThreadsMessage.GetByRole(AriaRole.Button, new() { Name = "dismiss" }).ClickAsync();
        await b.DeleteThreadAsync(thread);
        await Expect(b.ThreadRow(thread)).ToHaveCountAsync(0);
        await Expect(b.ThreadsMessage).ToHaveCountAsync(0);
    });

    [Fact]
    public Task Over_the_single_route_the_panel_lists_renames_and_deletes() => RunAsync("threads-single-route", async (a, _) =>
    {
        var paths = new List<string>();
        a.Page.Request += (_, request) =>
        {
            lock (paths)
            {
                paths.Add(request.Method + " " + new Uri(request.Url).AbsolutePath);
            }
        };
        await a.OpenAsync("/?agent=scripted&transport=single");
        await ChatAsync(a, "one route");
        var thread = a.ThreadId;

        await Expect(a.ThreadRow(thread)).ToBeVisibleAsync();
        await a.ThreadRow(thread).GetByTestId("thread-rename").ClickAsync();
        await a.ThreadRow(thread).GetByTestId("thread-rename-input").FillAsync("Not kept");
        await a.ThreadRow(thread).GetByTestId("thread-rename-input").PressAsync("Escape");
        await Expect(a.ThreadRow(thread).GetByTestId("thread-name")).ToHaveTextAsync("Untitled");
        await a.RenameThreadAsync(thread, "Single");
        await a.ReloadAsync();
        await Expect(a.ThreadRow(thread).GetByTestId("thread-name")).ToHaveTextAsync("Single");
        await a.DeleteThreadAsync(thread);
        await Expect(a.ThreadRow(thread)).ToHaveCountAsync(0);
        await Expect(a.ThreadsMessage).ToHaveCountAsync(0);

        string[] runtimeCalls;
        lock (paths)
        {
            runtimeCalls = [.. paths.Where(p => p.Contains("/api/copilotkit", StringComparison.Ordinal))];
        }
        Assert.All(runtimeCalls, call => Assert.Equal("POST /api/copilotkit-single", call));
    });

    [Fact]
    public Task The_list_comes_in_pages_and_load_more_brings_the_next() => RunAsync("threads-paging", async (a, _) =>
    {
        // 21 threads made through Api B (one more than a page), listed on A.
        var made = new List<string>();
        for (var i = 0; i < 21; i++)
        {
            var thread = Guid.NewGuid().ToString();
            using var run = await app.ApiB.PostAsync("/api/copilotkit/agent/scripted/run", RunBodies.Input(thread, "r" + i, "page " + i), Ct);
            Assert.Equal(HttpStatusCode.OK, run.StatusCode);
            await run.Content.ReadAsStringAsync(Ct);
            made.Add(thread);
        }

        await a.OpenAsync("/?agent=scripted");
        await Expect(a.ThreadRows).ToHaveCountAsync(20);
        await Expect(a.ThreadRow(made[^1])).ToBeVisibleAsync();
        await Expect(a.ThreadRow(made[0])).ToHaveCountAsync(0);

        await a.Page.GetByTestId("threads-load-more").ClickAsync();
        await Expect(a.ThreadRow(made[0])).ToBeVisibleAsync();
        foreach (var thread in made)
        {
            await Expect(a.ThreadRow(thread)).ToHaveCountAsync(1);
        }
    });
}
