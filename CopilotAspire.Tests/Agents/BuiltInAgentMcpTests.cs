using System.Net;
using System.Text.Json;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Agents.BuiltIn;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Testing;
using CopilotAspire.Tests.Fakes;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using static CopilotAspire.Tests.Agents.BuiltInAgentHarness;

namespace CopilotAspire.Tests.Agents;

/// <summary>
/// MCP tools (wire spec §19.2) with a real MCP server, <c>@modelcontextprotocol/server-everything</c> from npm: over
/// stdio and streamable HTTP, from configuration and from code, a server that is down, and a user-managed client.
/// </summary>
[Kind(TestKind.Process)]
public sealed class BuiltInAgentMcpTests : FakeOpenAiServerTest
{
    private static readonly string EverythingScript = Path.Combine(NodeServer.McpHarnessDirectory, "everything.mjs");

    [Fact]
    public async Task A_stdio_server_from_configuration_runs_its_tool_and_the_official_client_gets_the_result()
    {
        Server.Enqueue(Reply.ToolCall("call_1", "echo", """{"message":"from stdio"}"""), Reply.Text("It echoed."));
        const string agent = "CopilotRuntime:Agents:mcp:";
        await using var host = await RuntimeTestHost.StartAsync(
            runtime => runtime.AddAgentsFromConfiguration(),
            new Dictionary<string, string?>
            {
                ["OPENAI_API_KEY"] = Key,
                ["OPENAI_BASE_URL"] = Server.OpenAiBaseUrl,
                [agent + "Model"] = "openai/gpt-4o",
                [agent + "MaxSteps"] = "2",
                [agent + "McpServers:0:Command"] = "node",
                [agent + "McpServers:0:Arguments:0"] = EverythingScript,
                [agent + "McpServers:0:Arguments:1"] = "stdio",
                [agent + "McpServers:0:WorkingDirectory"] = NodeServer.McpHarnessDirectory,
            });

        var result = await NodeClient.RunScenarioAsync("run", host.RuntimeUrl, "mcp", "t-stdio", "echo please", TestContext.Current.CancellationToken);

        // @ag-ui/client turned TOOL_CALL_RESULT into a tool message holding the MCP server's answer.
        var tool = Assert.Single(result.GetProperty("messages").EnumerateArray(), m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal("call_1", tool.GetProperty("toolCallId").GetString());
        JsonAssert.Equal("""{"content":[{"type":"text","text":"Echo: from stdio"}],"isError":false}""", tool.GetProperty("content").GetString()!);
        Assert.Equal("It echoed.", result.GetProperty("messages").EnumerateArray().Last().GetProperty("content").GetString());
        Assert.Contains("echo", ToolNames(Server.Requests[0]));
    }

    [Fact]
    public async Task A_streamable_http_server_from_code_offers_its_tools_after_the_state_tools()
    {
        await using var mcp = await NodeServer.StartMcpEverythingAsync(TestContext.Current.CancellationToken);
        Server.Enqueue(Reply.ToolCall("call_1", "get-sum", """{"a":2,"b":40}"""));
        var agent = Agent(Server, o => o.McpServers.Add(new McpServerOptions { Url = mcp.Url.ToString() }));

        var events = await RunAsync(agent, Input(tools: [FrontendTool("changeColor")]));

        var names = ToolNames(Server.Requests[0]);
        Assert.Equal(["changeColor", "AGUISendStateSnapshot", "AGUISendStateDelta"], names.Take(3));
        Assert.Contains("get-sum", names.Skip(3));
        var result = Assert.IsType<ToolCallResultEvent>(Assert.Single(events, e => e is ToolCallResultEvent));
        Assert.Contains("The sum of 2 and 40 is 42.", result.Content, StringComparison.Ordinal);
        Assert.IsType<RunFinishedEvent>(events[^1]);
    }

    [Fact]
    public async Task A_server_that_is_down_is_logged_and_skipped_and_the_run_goes_on()
    {
        Server.Enqueue(Reply.Text("Still here."));
        using var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var down = $"http://127.0.0.1:{FreePort.Next()}/mcp";
        var agent = new BuiltInAgent(
            new BuiltInAgentOptions { Model = "openai/gpt-4o", McpServers = [new McpServerOptions { Type = "http", Url = down }] },
            Environment(Server),
            loggerFactory);

        var events = await RunAsync(agent, Input());

        Assert.Equal(["RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED"], Types(events));
        Assert.Equal(["AGUISendStateSnapshot", "AGUISendStateDelta"], ToolNames(Server.Requests[0]));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains($"MCP server {down} failed to connect", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("stdio")]
    [InlineData("http")]
    public async Task A_failing_server_is_skipped_for_the_run_as_officially(string transport)
    {
        // A process that exits at once, or an HTTP endpoint that answers 404 (the fake model server has no /mcp).
        var server = transport == "stdio"
            ? new McpServerOptions { Command = "node", Arguments = ["-e", "process.exit(3)"] }
            : new McpServerOptions { Url = Server.BaseAddress + "mcp" };
        using var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var agent = new BuiltInAgent(new BuiltInAgentOptions { Model = "openai/gpt-4o", McpServers = [server] }, Environment(Server), loggerFactory);
        Server.Enqueue(Reply.Text("Still here."));

        var events = await RunAsync(agent, Input());

        Assert.IsType<RunFinishedEvent>(events[^1]);
        Assert.Equal(["AGUISendStateSnapshot", "AGUISendStateDelta"], ToolNames(Assert.Single(Server.Requests, r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal))));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("skipping it for this run", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_user_managed_client_is_listed_per_run_and_left_open()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var mcp = await NodeServer.StartMcpEverythingAsync(ct);
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = mcp.Url }), cancellationToken: ct);
        Server.Enqueue(Reply.ToolCall("call_1", "echo", """{"message":"one"}"""), Reply.ToolCall("call_2", "echo", """{"message":"two"}"""));
        var agent = Agent(Server, o => o.McpClients.Add(client));

        var first = await RunAsync(agent.Clone(), Input(runId: "r1"));
        var second = await RunAsync(agent.Clone(), Input(runId: "r2"));

        Assert.Contains("Echo: one", Assert.Single(first.OfType<ToolCallResultEvent>()).Content, StringComparison.Ordinal);
        Assert.Contains("Echo: two", Assert.Single(second.OfType<ToolCallResultEvent>()).Content, StringComparison.Ordinal);
        Assert.NotEmpty(await client.ListToolsAsync(cancellationToken: ct)); // still open: the agent does not close it
    }

    [Theory]
    [InlineData("ftp://example.com/mcp", null, "must be an absolute http or https URL")]
    [InlineData(null, null, "must be an absolute http or https URL")]
    [InlineData(null, "stdio", "needs a 'Command'")]
    [InlineData("http://127.0.0.1/mcp", "websocket", "unknown 'Type'")]
    public void An_invalid_server_entry_is_refused_when_the_agent_is_created(string? url, string? type, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => Agent(Server, o => o.McpServers.Add(new McpServerOptions { Url = url, Type = type })));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
