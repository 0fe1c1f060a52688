using System.Text.RegularExpressions;
using CopilotAspire.Tests.Fakes;
using CopilotAspire.Tests.Transcription;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CopilotAspire.Tests.Browser;

/// <summary>
/// CopilotKit's React client (<c>@copilotkit/react-core/v2</c> <c>CopilotChat</c>, built with Vite into
/// CopilotAspire.Web) in headless Chromium, through the Web host's proxy, against a real Api. One browser and one set
/// of servers for the class; each test has its own browser context and thread.
/// </summary>
public sealed partial class ChatPageTests(ChatPageFixture app) : IClassFixture<ChatPageFixture>
{
    private Task RunAsync(string name, Func<ChatPage, Task> test) =>
        app.Browser.RunPageAsync(app.BaseUrl, name, page => test(new ChatPage(page)));

    [Fact]
    public Task Scripted_agent_reply_tool_card_and_state_show_on_the_page() => RunAsync("scripted", async chat =>
    {
        await chat.OpenAsync("/?agent=scripted");
        await Expect(chat.Page).ToHaveURLAsync(ThreadInUrl());
        await Expect(chat.Page.GetByTestId("agent-picker")).ToHaveValueAsync("scripted");

        await chat.SendAsync("hello page");

        await Expect(chat.AssistantMessages.First).ToContainTextAsync("Hello from scripted");
        await Expect(chat.ToolCards).ToHaveCountAsync(1);
        await Expect(chat.ToolCards.GetByTestId("tool-card-echo")).ToHaveTextAsync("hello page");
        await Expect(chat.ToolCards.GetByTestId("tool-card-result")).ToHaveTextAsync("{\"ok\":true}");
        await Expect(chat.RunStatus).ToHaveTextAsync("idle");
        var state = await chat.StateJsonAsync();
        Assert.Contains("\"status\": \"done\"", state);
        Assert.Contains("\"echo\": \"hello page\"", state);
        Assert.Contains("\"step\": 1", state);

        await ReadmeScreenshot.SaveIfRequestedAsync(chat.Page);
    });

    [Fact]
    public Task Stop_mid_run_keeps_the_partial_text_and_it_survives_a_reload() => RunAsync("stop", async chat =>
    {
        await chat.OpenAsync("/?agent=scripted");
        await chat.SendAsync("tokens:300 delay:50");
        await Expect(chat.AssistantMessages.First).ToContainTextAsync("t5");
        await Expect(chat.RunStatus).ToHaveTextAsync("running");

        await chat.SendButton.ClickAsync(); // CopilotChat's stop button while a run is going
        await Expect(chat.RunStatus).ToHaveTextAsync("idle");
        var partial = (await chat.AssistantMessages.First.InnerTextAsync()).Trim();
        Assert.StartsWith("t0 t1 t2 t3 t4 t5", partial);
        Assert.DoesNotContain("t299", partial);

        await chat.ReloadAsync();
        await Expect(chat.AssistantMessages).ToHaveCountAsync(1);
        await Expect(chat.AssistantMessages.First).ToHaveTextAsync(partial);
        await Expect(chat.UserMessages).ToHaveCountAsync(1);
    });

    [Fact]
    public Task Reload_brings_the_history_back_and_a_second_turn_keeps_both() => RunAsync("reload", async chat =>
    {
        await chat.OpenAsync("/?agent=scripted");
        await chat.SendAsync("first turn");
        await Expect(chat.ToolCards.GetByTestId("tool-card-result")).ToHaveCountAsync(1);
        var thread = chat.ThreadId;

        await chat.ReloadAsync();
        Assert.Equal(thread, chat.ThreadId);
        await Expect(chat.UserMessages).ToHaveTextAsync(["first turn"]);
        await Expect(chat.AssistantMessages.First).ToContainTextAsync("Hello from scripted");
        await Expect(chat.ToolCards.GetByTestId("tool-card-echo")).ToHaveTextAsync(["first turn"]);

        await chat.SendAsync("second turn");
        await Expect(chat.ToolCards.GetByTestId("tool-card-echo")).ToHaveTextAsync(["first turn", "second turn"]);
        await Expect(chat.ToolCards.GetByTestId("tool-card-result")).ToHaveCountAsync(2);
        await Expect(chat.UserMessages).ToHaveTextAsync(["first turn", "second turn"]);
        Assert.Contains("\"echo\": \"second turn\"", await chat.StateJsonAsync());

        // And a "new thread" starts empty, with a new id in the URL.
        await chat.Page.GetByTestId("new-thread").ClickAsync();
        await Expect(chat.UserMessages).ToHaveCountAsync(0);
        Assert.NotEqual(thread, chat.ThreadId);
    });

    [Fact]
    public Task Reload_during_a_live_run_follows_it_live_to_the_end() => RunAsync("live-reload", async chat =>
    {
        await chat.OpenAsync("/?agent=scripted");
        await chat.SendAsync("tokens:300 delay:50");
        await Expect(chat.AssistantMessages.First).ToContainTextAsync("t3");

        await chat.ReloadAsync();

        // /connect replays the run so far and then tails it: the page shows it running, then its last token.
        await Expect(chat.RunStatus).ToHaveTextAsync("running");
        await Expect(chat.AssistantMessages.First).ToContainTextAsync(" t299");
        await Expect(chat.RunStatus).ToHaveTextAsync("idle");
        await Expect(chat.AssistantMessages).ToHaveCountAsync(1);
        Assert.StartsWith("t0 t1 t2", (await chat.AssistantMessages.First.InnerTextAsync()).Trim());
    });

    [Fact]
    public Task Single_route_transport_carries_the_whole_chat() => RunAsync("single-route", async chat =>
    {
        var paths = new List<string>();
        chat.Page.Request += (_, request) =>
        {
            lock (paths)
            {
                paths.Add(request.Method + " " + new Uri(request.Url).AbsolutePath);
            }
        };
        await chat.OpenAsync("/?agent=scripted&transport=single");
        await Expect(chat.Page.GetByTestId("single-route")).ToBeCheckedAsync();

        await chat.SendAsync("over one route");
        await Expect(chat.AssistantMessages.First).ToContainTextAsync("Hello from scripted");
        await Expect(chat.ToolCards.GetByTestId("tool-card-echo")).ToHaveTextAsync("over one route");

        await chat.ReloadAsync();
        await Expect(chat.ToolCards.GetByTestId("tool-card-echo")).ToHaveTextAsync("over one route");

        string[] runtimeCalls;
        lock (paths)
        {
            runtimeCalls = paths.Where(p => p.Contains("/api/copilotkit", StringComparison.Ordinal)).ToArray();
        }
        Assert.NotEmpty(runtimeCalls);
        Assert.All(runtimeCalls, call => Assert.Equal("POST /api/copilotkit-single", call));
    });

    [Fact]
    public Task A_run_error_appears_on_the_page() => RunAsync("error", async chat =>
    {
        await chat.OpenAsync("/?agent=scripted");
        await chat.SendAsync("error please");

        await Expect(chat.Errors).ToHaveCountAsync(1);
        await Expect(chat.Errors.First).ToContainTextAsync("Scripted error");
        await Expect(chat.RunStatus).ToHaveTextAsync("idle");
    });

    [Fact]
    public async Task A_failed_request_appears_on_the_page()
    {
        // A Web host whose Api address has nothing listening: every runtime call through it fails with 502.
        using var vacant = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        vacant.Start();
        var port = ((System.Net.IPEndPoint)vacant.LocalEndpoint).Port;
        vacant.Stop();
        await using var web = await WebStack.StartInFrontOfAsync($"http://127.0.0.1:{port}", TestContext.Current.CancellationToken);

        await app.Browser.RunPageAsync(web.BaseUrl, "failed-request", async page =>
        {
            await page.GotoAsync("/?agent=scripted");
            await Expect(page.GetByTestId("info-error")).ToContainTextAsync("502");
        });
    }

    [Fact]
    public Task Default_agent_streams_the_models_reply() => RunAsync("default", async chat =>
    {
        app.OpenAi.Enqueue(Reply.Text("Hello ", "from the ", "fake model."));
        await chat.OpenAsync("/?agent=default");
        await Expect(chat.Page.GetByTestId("agent-picker")).ToHaveValueAsync("default");

        await chat.SendAsync("hi model");

        await Expect(chat.AssistantMessages.First).ToHaveTextAsync("Hello from the fake model.");
        await Expect(chat.Errors).ToHaveCountAsync(0);
        var request = app.OpenAi.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
        Assert.Contains("hi model", request.Body, StringComparison.Ordinal);
    });

    [Fact]
    public Task Microphone_recording_is_transcribed_into_the_input() => RunAsync("voice", async chat =>
    {
        // Counts the recorder's chunks, so the test records for as long as it takes to capture audio, not for a fixed time.
        await chat.Page.AddInitScriptAsync("""
            (() => {
              window.__audioChunks = 0;
              const start = MediaRecorder.prototype.start;
              MediaRecorder.prototype.start = function (...args) {
                this.addEventListener("dataavailable", (e) => { if (e.data.size > 0) window.__audioChunks++; });
                return start.apply(this, args);
              };
            })();
            """);
        await chat.OpenAsync("/?agent=scripted");

        await chat.MicButton.ClickAsync();
        await Expect(chat.FinishRecordingButton).ToBeVisibleAsync();
        await chat.Page.WaitForFunctionAsync("() => window.__audioChunks >= 10");
        await chat.FinishRecordingButton.ClickAsync();

        await Expect(chat.Input).ToHaveValueAsync(GeneratedWhisperModel.DefaultText);
    });

    private static Regex ThreadInUrl() => ThreadInUrlRegex();

    [GeneratedRegex(@"[?&]agent=scripted&thread=[0-9a-f-]{36}")]
    private static partial Regex ThreadInUrlRegex();
}
