using CopilotAspire.Tests.Fakes;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Client;

/// <summary>
/// The official <c>@ag-ui/client</c> against the Api's <c>default</c> agent (BuiltInAgent, <c>openai/gpt-4o</c>),
/// pointed at the fake OpenAI-compatible server with nothing but <c>OPENAI_BASE_URL</c> / <c>OPENAI_API_KEY</c>.
/// </summary>
[Kind(TestKind.Process)]
public sealed class DefaultAgentClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task Text_reply_then_a_frontend_tool_the_client_answers_then_the_follow_up_run()
    {
        await using var fake = await FakeOpenAiServer.StartAsync(Ct);
        fake.Enqueue(
            Reply.Create().ThenText("Let me", " change it.").ThenToolCall("call_1", "changeColor", "{\"color\":", "\"red\"}"),
            Reply.Text("Done, ", "it is red now."));
        await using var api = await ApiProcess.StartAsync(new Dictionary<string, string>
        {
            ["OPENAI_BASE_URL"] = fake.OpenAiBaseUrl,
            ["OPENAI_API_KEY"] = "sk-test-not-a-secret",
        }, Ct);

        var runtimeUrl = new Uri(api.BaseAddress, "api/copilotkit").ToString();
        var result = await NodeClient.RunScenarioAsync("frontend-tool", runtimeUrl, "default", "client-tool", "make it red", Ct);

        var messages = result.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "tool", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Let me change it.", messages[1].GetProperty("content").GetString());
        var call = messages[1].GetProperty("toolCalls")[0];
        Assert.Equal("changeColor", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("{\"color\":\"red\"}", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("Done, it is red now.", messages[3].GetProperty("content").GetString());

        // The first run ended on the tool call (no server-side result); the second continued the conversation.
        var types = result.GetProperty("eventTypes").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.DoesNotContain("TOOL_CALL_RESULT", types);
        Assert.Equal(2, types.Count(t => t == "RUN_FINISHED"));
        var finishes = result.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "RUN_FINISHED").ToList();
        Assert.Equal("tool-calls", finishes[0].GetProperty("finishReason").GetString());
        Assert.Equal("stop", finishes[1].GetProperty("finishReason").GetString());

        var followUp = await fake.WaitForRequestAsync(2, Ct);
        var sent = followUp.Json!.Value.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["system", "user", "assistant", "tool"], sent.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("You are a helpful assistant.", sent[0].GetProperty("content").GetString());
        Assert.Equal("colour set to red", sent[3].GetProperty("content").GetString());
        Assert.Equal("call_1", sent[3].GetProperty("tool_call_id").GetString());
        Assert.Equal("Bearer sk-test-not-a-secret", followUp.Headers["Authorization"]);
        Assert.DoesNotContain("sk-test-not-a-secret", api.Output, StringComparison.Ordinal); // never logged
    }
}
