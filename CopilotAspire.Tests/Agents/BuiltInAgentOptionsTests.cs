using System.Text.Json;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Agents.BuiltIn;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Testing;
using CopilotAspire.Tests.Fakes;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static CopilotAspire.Tests.Agents.BuiltInAgentHarness;

namespace CopilotAspire.Tests.Agents;

/// <summary>
/// The options of the official <c>BuiltInAgentClassicConfig</c> added for parity (wire spec §19.1): bound from
/// configuration, refused when invalid, and <c>overridableProperties</c> applied as the official <c>canOverride</c>.
/// </summary>
[Kind(TestKind.Fast)]
public sealed class BuiltInAgentOptionsTests : FakeOpenAiServerTest
{
    protected override Reply? DefaultReply => Reply.Text("ok");

    private async Task<BuiltInAgent> FromConfigurationAsync(params (string Key, string Value)[] keys)
    {
        var values = new Dictionary<string, string?> { ["OPENAI_API_KEY"] = Key, ["OPENAI_BASE_URL"] = Server.OpenAiBaseUrl };
        foreach (var (key, value) in keys)
        {
            values["CopilotRuntime:Agents:a:" + key] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        await using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).BuildServiceProvider();
        return BuiltInAgentConfiguration.CreateAgent(configuration.GetSection("CopilotRuntime:Agents:a"), services);
    }

    private static RunAgentInput WithProps(string forwardedProps, IReadOnlyList<Tool>? tools = null) =>
        Input(tools: tools) with { ForwardedProps = AgUiJson.Parse(forwardedProps) };

    [Fact]
    public async Task The_new_options_bind_from_configuration()
    {
        var agent = await FromConfigurationAsync(
            ("Model", "openai/gpt-4o"),
            ("OverridableProperties:0", "temperature"),
            ("OverridableProperties:1", "model"),
            ("McpServers:0:Url", "http://127.0.0.1:9/mcp"),
            ("McpServers:0:Headers:Authorization", "Bearer t"),
            ("McpServers:0:ConnectTimeout", "00:00:05"),
            ("McpServers:1:Command", "node"),
            ("McpServers:1:Arguments:0", "server.mjs"),
            ("McpServers:1:Environment:MODE", "test"),
            ("InterruptTools:0:Name", "approve"),
            ("InterruptTools:0:Reason", "approval"),
            ("Capabilities:custom:level", "3"),
            ("Capabilities:custom:on", "true"),
            ("Capabilities:transport:streaming", "false"));

        var options = agent.Options;
        Assert.Equal(["temperature", "model"], options.OverridableProperties!);
        Assert.Equal(("http://127.0.0.1:9/mcp", "Bearer t", TimeSpan.FromSeconds(5)),
            (options.McpServers[0].Url, options.McpServers[0].Headers["authorization"], options.McpServers[0].ConnectTimeout));
        Assert.Equal(("node", "server.mjs", "test"), (options.McpServers[1].Command, options.McpServers[1].Arguments[0], options.McpServers[1].Environment["MODE"]));
        Assert.Equal(("approve", "approval"), (options.InterruptTools[0].Name, options.InterruptTools[0].Reason));
        var capabilities = await agent.GetCapabilitiesAsync(TestContext.Current.CancellationToken);
        Assert.Equal(
            """{"tools":{"supported":true,"clientProvided":true},"transport":{"streaming":false},"humanInTheLoop":{"interrupts":true},"custom":{"level":3,"on":true}}""",
            capabilities!.Value.GetRawText());
    }

    [Theory]
    [InlineData("OverridableProperties:0", "prompts", "unknown property \"prompts\"")]
    [InlineData("InterruptTools:0:Parameters", "[1]", "must be a JSON Schema object")]
    [InlineData("InterruptTools:0:Parameters", "{not json", "is not valid JSON")]
    [InlineData("McpServers:0:Url", "relative/path", "absolute http or https URL")]
    public async Task Invalid_settings_are_refused_with_the_agent_named(string key, string value, string message)
    {
        var keys = new List<(string, string)> { ("Model", "openai/gpt-4o"), (key, value) };
        if (key.StartsWith("InterruptTools", StringComparison.Ordinal))
        {
            keys.Add(("InterruptTools:0:Name", "approve"));
        }

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => FromConfigurationAsync([.. keys]));

        Assert.Contains("Agent 'a'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Capabilities_from_code_must_be_an_object()
    {
        var ex = Assert.Throws<ArgumentException>(() => Agent(Server, o => o.Capabilities = AgUiJson.Parse("[true]")));
        Assert.Contains("Capabilities must be a JSON object", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForwardedProps_change_only_listed_settings_of_the_right_type()
    {
        var agent = Agent(Server, o =>
        {
            o.Temperature = 0.9f;
            o.Seed = 1;
            o.OverridableProperties = ["temperature", "model", "toolChoice", "stopSequences", "topK"];
        });

        await RunAsync(agent, WithProps("""{"temperature":0.1,"seed":7,"model":"openai/gpt-4o-mini","toolChoice":{"type":"tool","toolName":"changeColor"},"stopSequences":["a",1]}""",
            [FrontendTool("changeColor")]));
        await RunAsync(agent, WithProps("""{"temperature":"hot","toolChoice":"sometimes"}"""));

        var (first, second) = (Server.Requests[0].Json!.Value, Server.Requests[1].Json!.Value);
        Assert.Equal((0.1, 1L, "gpt-4o-mini"), (Math.Round(first.GetProperty("temperature").GetDouble(), 3), first.GetProperty("seed").GetInt64(), Server.Requests[0].Model));
        JsonAssert.Equal("""{"type":"function","function":{"name":"changeColor"}}""", first.GetProperty("tool_choice").GetRawText());
        Assert.False(first.TryGetProperty("stop", out _)); // one non-string entry: ignored, as officially
        // Wrong types are ignored: the agent's own settings stay.
        Assert.Equal((0.9, "gpt-4o"), (Math.Round(second.GetProperty("temperature").GetDouble(), 3), Server.Requests[1].Model));
        Assert.NotEqual(JsonValueKind.Object, second.TryGetProperty("tool_choice", out var choice) ? choice.ValueKind : JsonValueKind.Undefined);
    }

    [Fact]
    public async Task An_invalid_overriding_model_ends_the_run_with_an_error()
    {
        var agent = Agent(Server, o => o.OverridableProperties = ["model"]);

        var events = await RunAsync(agent, WithProps("""{"model":"nonsense"}"""));

        var error = Assert.IsType<RunErrorEvent>(events[^1]);
        Assert.Contains("Invalid model string \"nonsense\"", error.Message, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task An_interrupt_tool_pauses_the_run_even_with_steps_left_and_resume_entries_become_tool_results()
    {
        Server.Enqueue(Reply.ToolCall("call_1", "approve", """{"amount":5}"""));
        var agent = Agent(Server, o =>
        {
            o.MaxSteps = 5;
            o.InterruptTools.Add(new InterruptToolOptions { Name = "approve", Description = "Ask first" });
        });

        var paused = await RunAsync(agent, Input());
        var resumed = await RunAsync(agent, Input(messages:
        [
            Message.User("m1", "Hi"),
            new Message
            {
                Id = "a1",
                Role = MessageRoles.Assistant,
                ToolCalls = [new ToolCall { Id = "call_1", Function = new FunctionCall { Name = "approve", Arguments = """{"amount":5}""" } }],
            },
        ]) with { Resume = [new ResumeEntry { InterruptId = "call_1", Status = "resolved" }, new ResumeEntry { InterruptId = "call_1", Status = "resolved" }] });

        var finished = Assert.IsType<RunFinishedEvent>(paused[^1]);
        JsonAssert.Equal("""{"type":"interrupt","interrupts":[{"id":"call_1","toolCallId":"call_1","reason":"tool_call"}]}""", finished.Outcome!.Value.GetRawText());
        Assert.Equal(2, Server.Requests.Count); // one model call per run: the interrupt ended the first with steps left
        Assert.Null(Assert.IsType<RunFinishedEvent>(resumed[^1]).Outcome);
        var messages = Messages(Server.Requests[1]);
        var tool = Assert.Single(messages.EnumerateArray(), m => m.GetProperty("role").GetString() == "tool"); // the duplicate entry is not sent twice
        Assert.Equal("""{"status":"resolved"}""", tool.GetProperty("content").GetString());
    }
}
