using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CopilotAspire.Tests.Fakes;
using static Microsoft.Playwright.Assertions;

namespace CopilotAspire.Tests.Browser;

[Kind(TestKind.Browser)]
public sealed partial class ChatPageTests
{
    /// <summary>
    /// CopilotChat's suggestion chips (<c>?suggestions=1</c> configures dynamic suggestions from the <c>default</c>
    /// agent): the client sees <c>suggestions: true</c> in <c>/info</c> and asks <c>POST agent/default/suggest</c>, the
    /// BuiltInAgent calls the fake model, whose <c>copilotkitSuggest</c> tool call becomes the chips. The suggestion's
    /// throwaway thread is not stored (connect on it replays nothing).
    /// </summary>
    [Fact]
    public Task Suggestion_chips_from_the_default_agent_appear_and_leave_no_thread() => RunAsync("suggestions", async chat =>
    {
        var suggests = new List<string>();
        chat.Page.Request += (_, request) =>
        {
            if (request.Url.EndsWith("/api/copilotkit/agent/default/suggest", StringComparison.Ordinal))
            {
                lock (suggests)
                {
                    suggests.Add(request.PostData ?? "");
                }
            }
        };
        // How many suggestion runs the client starts (it may restart one as the page settles) is its business: every
        // model call while this test runs answers with the suggestions.
        app.OpenAi.DefaultReply = Reply.ToolCall("call_suggest", "copilotkitSuggest",
            """{"suggestions":[{"title":"Tell me a joke","message":"Tell me a joke"},""",
            """{"title":"What can you do?","message":"What can you do?"}]}""");
        try
        {
            await chat.OpenAsync("/?agent=default&suggestions=1");

            await Expect(chat.Page.GetByTestId("copilot-suggestion")).ToHaveTextAsync(["Tell me a joke", "What can you do?"]);
        }
        finally
        {
            app.OpenAi.DefaultReply = null;
        }

        string[] bodies;
        lock (suggests)
        {
            bodies = [.. suggests];
        }
        Assert.NotEmpty(bodies);
        var model = app.OpenAi.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
        Assert.Contains(model.Json!.Value.GetProperty("tools").EnumerateArray(), t => t.GetProperty("function").GetProperty("name").GetString() == "copilotkitSuggest");

        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        foreach (var body in bodies)
        {
            using var input = JsonDocument.Parse(body);
            var threadId = input.RootElement.GetProperty("threadId").GetString()!;
            var connect = $$$"""{"threadId":"{{{threadId}}}","runId":"check","messages":[],"state":{},"tools":[],"context":[],"forwardedProps":{}}""";
            using var response = await http.PostAsync("api/copilotkit/agent/default/connect", new StringContent(connect, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
            Assert.DoesNotContain("data:", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    });
}
