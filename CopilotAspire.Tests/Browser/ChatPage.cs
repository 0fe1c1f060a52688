using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CopilotAspire.Tests.Browser;

/// <summary>The chat page as a user drives it: CopilotChat's own controls (its <c>data-testid</c>s) and the page's toolbar.</summary>
public sealed class ChatPage(IPage page)
{
    public IPage Page => page;

    public ILocator Input => page.GetByTestId("copilot-chat-textarea");

    public ILocator SendButton => page.GetByTestId("copilot-send-button");

    public ILocator UserMessages => page.GetByTestId("copilot-user-message");

    public ILocator AssistantMessages => page.GetByTestId("copilot-assistant-message");

    public ILocator ToolCards => page.GetByTestId("tool-card");

    public ILocator Errors => page.GetByTestId("error");

    public ILocator RunStatus => page.GetByTestId("run-status");

    public ILocator MicButton => page.GetByTestId("copilot-start-transcribe-button");

    public ILocator FinishRecordingButton => page.GetByTestId("copilot-finish-transcribe-button");

    /// <summary>The threads panel's rows (<c>useThreads</c>), newest first.</summary>
    public ILocator ThreadRows => page.GetByTestId("thread-row");

    /// <summary>The threads panel's row of one thread.</summary>
    public ILocator ThreadRow(string threadId) => page.Locator($"[data-testid=thread-row][data-thread-id='{threadId}']");

    /// <summary>The threads panel's message (a failed rename, archive or delete).</summary>
    public ILocator ThreadsMessage => page.GetByTestId("threads-message");

    /// <summary>Renames a thread in the panel as a user does (Rename, type, Enter), and waits for the runtime's answer.</summary>
    public async Task RenameThreadAsync(string threadId, string name)
    {
        await ThreadRow(threadId).GetByTestId("thread-rename").ClickAsync();
        var input = ThreadRow(threadId).GetByTestId("thread-rename-input");
        await input.FillAsync(name);
        await MutateThreadAsync(threadId, () => input.PressAsync("Enter"));
    }

    /// <summary>Archives a thread in the panel, and waits for the runtime's answer.</summary>
    public Task ArchiveThreadAsync(string threadId) =>
        MutateThreadAsync(threadId, () => ThreadRow(threadId).GetByTestId("thread-archive").ClickAsync());

    /// <summary>Unarchives a thread in the panel, and waits for the runtime's answer.</summary>
    public Task UnarchiveThreadAsync(string threadId) =>
        MutateThreadAsync(threadId, () => ThreadRow(threadId).GetByTestId("thread-unarchive").ClickAsync());

    /// <summary>Deletes a thread in the panel as a user does (Delete, then Delete to confirm), and waits for the runtime's answer.</summary>
    public async Task DeleteThreadAsync(string threadId)
    {
        await ThreadRow(threadId).GetByTestId("thread-delete").ClickAsync();
        await MutateThreadAsync(threadId, () => ThreadRow(threadId).GetByTestId("thread-delete-confirm").ClickAsync());
    }

    /// <summary>
    /// Does what makes the panel change a thread and waits for the runtime's answer to it (the panel shows the change
    /// at once, before the runtime has it): REST <c>PATCH/POST/DELETE …/threads/{id}…</c>, or the single route's
    /// <c>resource/request</c> envelope naming that path.
    /// </summary>
    private Task<IResponse> MutateThreadAsync(string threadId, Func<Task> action) =>
        page.RunAndWaitForResponseAsync(action, response =>
        {
            var request = response.Request;
            var path = "/threads/" + threadId;
            return request.Method != "GET"
                && (new Uri(request.Url).AbsolutePath.Contains(path, StringComparison.Ordinal)
                    || (request.Url.EndsWith("/api/copilotkit-single", StringComparison.Ordinal) && (request.PostData ?? "").Contains(path, StringComparison.Ordinal)));
        });

    /// <summary>Opens the page (e.g. <c>/?agent=scripted</c>) and waits until the chat accepts input.</summary>
    public async Task OpenAsync(string path)
    {
        await page.GotoAsync(path);
        await WaitReadyAsync();
    }

    /// <summary>Reloads (same agent, thread and transport: they are in the URL) and waits until the chat accepts input.</summary>
    public async Task ReloadAsync()
    {
        await page.ReloadAsync();
        await WaitReadyAsync();
    }

    private async Task WaitReadyAsync()
    {
        await Expect(Input).ToBeEditableAsync();
        await Expect(page.GetByTestId("agent-picker")).ToBeEnabledAsync();
    }

    /// <summary>Types a message and presses Enter, as a user does.</summary>
    public async Task SendAsync(string text)
    {
        await Input.FillAsync(text);
        await Expect(SendButton).ToBeEnabledAsync();
        await Input.PressAsync("Enter");
        await Expect(UserMessages.Filter(new() { HasText = text })).Not.ToHaveCountAsync(0);
    }

    /// <summary>The thread id from the page's URL.</summary>
    public string ThreadId => new Uri(page.Url).Query.TrimStart('?').Split('&')
        .Select(p => p.Split('=', 2)).Single(p => p[0] == "thread")[1];

    public async Task<string> StateJsonAsync()
    {
        var panel = page.GetByTestId("state-panel");
        if (await panel.GetAttributeAsync("open") is null)
        {
            await panel.Locator("summary").ClickAsync();
        }
        return await page.GetByTestId("state-json").InnerTextAsync();
    }
}
