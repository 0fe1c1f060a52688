using System.Net;
using System.Text;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Agents.BuiltIn;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Tests.Fakes;
using static CopilotAspire.Tests.Agents.BuiltInAgentHarness;

namespace CopilotAspire.Tests.Agents;

/// <summary>
/// The <c>azure-openai</c> provider against the fake server speaking Azure's routes (checked as Azure checks them:
/// <c>api-version</c>, <c>api-key</c>). The provider uses the OpenAI client on Azure's <c>/openai/v1</c> API.
/// </summary>
[Kind(TestKind.Fast)]
public sealed class AzureOpenAiTests : FakeOpenAiServerTest
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Streams_text_tool_calls_and_usage_from_the_v1_route_with_the_api_key_header()
    {
        Server.AzureApiKey = Key;
        Server.Enqueue(Reply.Create().ThenText("Let me", " look.").ThenToolCall("call_1", "lookup", "{\"c\":", "\"x\"}").WithUsage(12, 7));

        var events = await RunAsync(Agent(Server, model: "azure-openai/my-deployment"), Input(tools: [FrontendTool("lookup")]));

        var request = Assert.Single(Server.Requests);
        Assert.Equal(("POST", "/openai/v1/chat/completions", ""), (request.Method, request.Path, request.Query));
        Assert.Equal(Key, request.Header("api-key"));
        Assert.Null(request.Header("Authorization"));
        Assert.Equal("my-deployment", request.Model);
        Assert.Equal(["lookup", "AGUISendStateSnapshot", "AGUISendStateDelta"], ToolNames(request));
        Assert.Equal("Let me look.", string.Concat(events.OfType<TextMessageContentEvent>().Select(e => e.Delta)));
        Assert.Equal("{\"c\":\"x\"}", string.Concat(events.OfType<ToolCallArgsEvent>().Select(e => e.Delta)));
        var finished = Assert.IsType<RunFinishedEvent>(events[^1]);
        Assert.Equal("tool-calls", finished.FinishReason);
        var usage = Assert.Single(finished.Usage!);
        Assert.Equal(("azure-openai", "my-deployment", 12L, 7L), (usage.Provider, usage.Model, usage.InputTokens, usage.OutputTokens));
    }

    [Theory]
    [InlineData("")]
    [InlineData("openai")]
    [InlineData("openai/v1/")]
    public async Task Endpoint_may_name_the_resource_or_its_openai_or_v1_path(string suffix)
    {
        Server.Enqueue(Reply.Text("Hi"));
        var agent = new BuiltInAgent(new BuiltInAgentOptions { Model = "azure-openai/d1" },
            Environment(Server, ("AZURE_OPENAI_ENDPOINT", Server.AzureEndpoint + suffix)));

        var events = await RunAsync(agent, Input());

        Assert.Equal("/openai/v1/chat/completions", Assert.Single(Server.Requests).Path);
        Assert.IsType<RunFinishedEvent>(events[^1]);
    }

    [Fact]
    public async Task A_key_azure_refuses_ends_the_run_with_azure_s_message()
    {
        Server.AzureApiKey = "the-right-key";

        var events = await RunAsync(Agent(Server, o => o.MaxRetries = 0, model: "azure-openai/my-deployment"), Input());

        var error = Assert.IsType<RunErrorEvent>(events[^1]);
        Assert.Contains("Access denied due to invalid subscription key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fake_server_checks_azure_routes_as_azure_does()
    {
        Server.AzureApiKey = "k";
        Server.DefaultReply = Reply.Text("ok");
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };
        async Task<HttpStatusCode> Post(string url, string? key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent("""{"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
            };
            if (key is not null)
            {
                request.Headers.Add("api-key", key);
            }
            using var response = await http.SendAsync(request, Ct);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await Post("/openai/deployments/d1/chat/completions?api-version=2024-10-21", "k"));
        Assert.Equal(HttpStatusCode.NotFound, await Post("/openai/deployments/d1/chat/completions", "k"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Post("/openai/deployments/d1/chat/completions?api-version=2024-10-21", null));
        Assert.Equal(HttpStatusCode.OK, await Post("/openai/v1/chat/completions", "k"));
        Assert.Equal(HttpStatusCode.OK, await Post("/openai/v1/chat/completions?api-version=preview", "k"));
        Assert.Equal(HttpStatusCode.BadRequest, await Post("/openai/v1/chat/completions?api-version=2024-10-21", "k"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Post("/openai/v1/chat/completions", "wrong"));
    }
}
