using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using CopilotAspire.Runtime.AgentFramework;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Agents.AI;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

namespace CopilotAspire.Tests.Client;

/// <summary>
/// A Microsoft Agent Framework <see cref="ChatClientAgent"/> (on the fake OpenAI server) hosted in the runtime, driven by
/// the official <c>@ag-ui/client</c>: a chat, a server tool the agent runs itself, a frontend tool round trip, a model
/// failure and a stop mid-stream; then state, context and history from the request, with a per-run factory; and a
/// sequential workflow of two agents as one agent.
/// </summary>
[Kind(TestKind.Process)]
public sealed class FrameworkAgentClientTests : IAsyncLifetime
{
    private const string Instructions = "You are a MAF agent.";
    private FakeOpenAiServer _fake = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _fake = await FakeOpenAiServer.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    [Fact(Timeout = 60_000)]
    public async Task Chat_streams_the_reply_with_usage_and_the_agent_s_instructions()
    {
        _fake.Enqueue(Reply.Text("Hello ", "from MAF.").WithUsage(11, 4));
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime.AddAgent("maf", Agent()));

        var result = await NodeClient.RunScenarioAsync("run", host.RuntimeUrl, "maf", "maf-chat", "hi", Ct);

        var messages = result.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Hello from MAF.", messages[1].GetProperty("content").GetString());
        var finished = result.GetProperty("events").EnumerateArray().Last();
        Assert.Equal("RUN_FINISHED", finished.GetProperty("type").GetString());
        Assert.Equal("stop", finished.GetProperty("finishReason").GetString());
        var usage = finished.GetProperty("usage")[0];
        Assert.Equal((11, 4), (usage.GetProperty("inputTokens").GetInt32(), usage.GetProperty("outputTokens").GetInt32()));
        Assert.Equal("gpt-4o", usage.GetProperty("model").GetString());

        var request = Assert.Single(_fake.Requests);
        var sent = request.Json!.Value.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(Instructions, sent[0].GetProperty("content").GetString());
        Assert.Equal("hi", sent[^1].GetProperty("content").GetString());
        Assert.DoesNotContain("ag_ui_", request.Body, StringComparison.Ordinal); // run options stay in process
    }

    [Fact(Timeout = 60_000)]
    public async Task A_server_tool_runs_in_the_agent_and_its_result_reaches_the_client()
    {
        var weather = AIFunctionFactory.Create((string city) => $"Sunny in {city}", "getWeather", "The weather in a city");
        _fake.Enqueue(Reply.ToolCall("call_1", "getWeather", "{\"city\":", "\"Paris\"}"), Reply.Text("It is sunny in Paris."));
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime.AddAgent("maf", Agent(weather)));

        var result = await NodeClient.RunScenarioAsync("run", host.RuntimeUrl, "maf", "maf-server-tool", "weather in Paris?", Ct);

        var messages = result.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "tool", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
        var call = messages[1].GetProperty("toolCalls")[0];
        Assert.Equal(("call_1", "getWeather"), (call.GetProperty("id").GetString(), call.GetProperty("function").GetProperty("name").GetString()));
        Assert.Equal("{\"city\":\"Paris\"}", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("call_1", messages[2].GetProperty("toolCallId").GetString());
        Assert.Contains("Sunny in Paris", messages[2].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal("It is sunny in Paris.", messages[3].GetProperty("content").GetString());
        Assert.Equal("stop", result.GetProperty("events").EnumerateArray().Last().GetProperty("finishReason").GetString());

        var second = await _fake.WaitForRequestAsync(2, Ct);
        var tool = second.Json!.Value.GetProperty("messages").EnumerateArray().Last();
        Assert.Equal(("tool", "call_1"), (tool.GetProperty("role").GetString(), tool.GetProperty("tool_call_id").GetString()));
        Assert.Contains("Sunny in Paris", tool.GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_frontend_tool_call_ends_the_run_and_the_client_s_result_continues_it()
    {
        _fake.Enqueue(
            Reply.Create().ThenText("Let me", " change it.").ThenToolCall("call_1", "changeColor", "{\"color\":", "\"red\"}"),
            Reply.Text("Done, ", "it is red now."));
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime.AddAgent("maf", Agent()));

        var result = await NodeClient.RunScenarioAsync("frontend-tool", host.RuntimeUrl, "maf", "maf-client-tool", "make it red", Ct);

        var messages = result.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "tool", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Let me change it.", messages[1].GetProperty("content").GetString());
        var call = messages[1].GetProperty("toolCalls")[0];
        Assert.Equal("changeColor", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("{\"color\":\"red\"}", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("Done, it is red now.", messages[3].GetProperty("content").GetString());
        var types = result.GetProperty("eventTypes").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.DoesNotContain("TOOL_CALL_RESULT", types); // the agent did not run it
        var finishes = result.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "RUN_FINISHED").ToList();
        Assert.Equal(["tool-calls", "stop"], finishes.Select(f => f.GetProperty("finishReason").GetString()));

        var first = await _fake.WaitForRequestAsync(1, Ct);
        var offered = first.Json!.Value.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(["changeColor"], offered);
        var followUp = await _fake.WaitForRequestAsync(2, Ct);
        var sent = followUp.Json!.Value.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "tool"], sent.Skip(1).Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("colour set to red", sent[^1].GetProperty("content").GetString());
        Assert.Equal("call_1", sent[^1].GetProperty("tool_call_id").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_model_failure_ends_the_run_with_RUN_ERROR()
    {
        _fake.Enqueue(Reply.Error(500, "The model exploded."));
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime.AddAgent("maf", Agent()));

        var result = await NodeClient.RunScenarioAsync("run", host.RuntimeUrl, "maf", "maf-failure", "hi", Ct);

        var last = result.GetProperty("events").EnumerateArray().Last();
        Assert.Equal("RUN_ERROR", last.GetProperty("type").GetString());
        Assert.Contains("The model exploded.", last.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Single(_fake.Requests); // no retries configured
    }

    [Fact(Timeout = 60_000)]
    public async Task Stop_mid_stream_aborts_the_model_call_and_finishes_the_run()
    {
        var gate = new Gate();
        _fake.Enqueue(Reply.Text("t0 ").ThenHold(gate).ThenText("never sent"));
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime.AddAgent("maf", Agent()));

        var result = await NodeClient.RunScenarioAsync("stop", host.RuntimeUrl, "maf", "maf-stop", "go", Ct);

        Assert.True(result.GetProperty("stopReply").GetProperty("body").GetProperty("stopped").GetBoolean());
        var types = result.GetProperty("eventTypes").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Equal(["TEXT_MESSAGE_END", "RUN_FINISHED"], types[^2..]);
        var assistant = result.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "assistant");
        Assert.Equal("t0 ", assistant.GetProperty("content").GetString());
        Assert.True(await Assert.Single(_fake.Requests).Ended.WaitAsync(Ct)); // the model call was aborted
    }

    [Fact(Timeout = 60_000)]
    public async Task State_context_and_history_come_from_each_request_to_an_agent_made_per_run()
    {
        var created = 0;
        var seen = new List<ChatOptions?>();
        _fake.Enqueue(Reply.Text("First answer."), Reply.Text("Second answer."));
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime.AddAgent("maf", _ =>
        {
            Interlocked.Increment(ref created);
            return Agent(options =>
            {
                lock (seen)
                {
                    seen.Add(options);
                }
            });
        }));
        const string Context = """[{"description":"Page","value":"the settings page"}]""";
        const string State = """{"theme":"dark"}""";

        var (_, first) = await host.PostSseAsync("/api/copilotkit/agent/maf/run", Input("maf-state", "r1", """[{"id":"u1","role":"user","content":"one"}]""", State, Context), Ct);
        var (_, second) = await host.PostSseAsync("/api/copilotkit/agent/maf/run", Input("maf-state", "r2", """
            [{"id":"u1","role":"user","content":"one"},{"id":"a1","role":"assistant","content":"First answer."},{"id":"u2","role":"user","content":"two"}]
            """, State, Context), Ct);

        Assert.Equal("RUN_FINISHED", first[^1].Type);
        Assert.Equal("RUN_FINISHED", second[^1].Type);
        Assert.Equal(2, created);
        var sent = _fake.Requests.Select(r => r.Json!.Value.GetProperty("messages").EnumerateArray()
            .Select(m => (Role: m.GetProperty("role").GetString(), Content: m.GetProperty("content").GetString())).ToList()).ToList();
        Assert.Equal((string?)"system", sent[0][1].Role);
        Assert.Equal("## Context from the application\nPage:\nthe settings page\n\n## Application State\n```json\n{\n  \"theme\": \"dark\"\n}\n```\n", sent[0][1].Content);
        Assert.Equal(["one", "First answer.", "two"], sent[1].Skip(2).Select(m => m.Content));

        // The same input reaches the agent's model calls as run options.
        var properties = Assert.IsType<ChatOptions>(seen[1]).AdditionalProperties!;
        Assert.Equal("maf-state", properties[FrameworkAgent.ThreadIdKey]);
        Assert.Equal("r2", properties[FrameworkAgent.RunIdKey]);
        JsonAssert.Equal(State, ((JsonElement)properties[FrameworkAgent.StateKey]!).GetRawText());
        var context = Assert.Single((IReadOnlyList<CopilotAspire.Runtime.Protocol.Context>)properties[FrameworkAgent.ContextKey]!);
        Assert.Equal(("Page", "the settings page"), (context.Description, context.Value));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_workflow_agent_streams_each_agent_s_reply_as_its_own_message()
    {
        _fake.Enqueue(Reply.Text("Draft: ", "hello."), Reply.Text("Reviewed: ", "fine."));
        var workflow = AgentWorkflowBuilder.BuildSequential(Agent(), Agent()).AsAIAgent(name: "writer-reviewer");
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime.AddAgent("flow", workflow));

        var result = await NodeClient.RunScenarioAsync("run", host.RuntimeUrl, "flow", "maf-workflow", "write", Ct);

        var texts = result.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() == "assistant").Select(m => m.GetProperty("content").GetString());
        Assert.Equal(["Draft: hello.", "Reviewed: fine."], texts);
        Assert.Equal("RUN_FINISHED", result.GetProperty("events").EnumerateArray().Last().GetProperty("type").GetString());
        var second = await _fake.WaitForRequestAsync(2, Ct);
        Assert.Contains("Draft: hello.", second.Body, StringComparison.Ordinal); // the reviewer saw the draft
    }

    private static string Input(string threadId, string runId, string messages, string state, string context) =>
        $$$"""{"threadId":"{{{threadId}}}","runId":"{{{runId}}}","messages":{{{messages}}},"state":{{{state}}},"tools":[],"context":{{{context}}},"forwardedProps":{}}""";

    private ChatClientAgent Agent(params AITool[] tools) => Agent(null, tools);

    /// <summary>A <see cref="ChatClientAgent"/> on the fake server; <paramref name="observe"/> sees each model call's options.</summary>
    private ChatClientAgent Agent(Action<ChatOptions?>? observe, params AITool[] tools)
    {
        var client = new ChatClient("gpt-4o", new ApiKeyCredential("sk-test-not-a-secret"), new OpenAIClientOptions
        {
            Endpoint = new Uri(_fake.OpenAiBaseUrl),
            RetryPolicy = new ClientRetryPolicy(0),
        }).AsIChatClient();
        if (observe is not null)
        {
            client = client.AsBuilder().Use((messages, options, next, ct) =>
            {
                observe(options);
                return next(messages, options, ct);
            }).Build();
        }
        return new ChatClientAgent(client, instructions: Instructions, name: "maf", tools: tools);
    }
}
