using System.ClientModel;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Agents.BuiltIn;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Tests.Fakes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static CopilotAspire.Tests.Agents.BuiltInAgentHarness;

namespace CopilotAspire.Tests.Agents;

/// <summary>Agents from configuration, <c>/info</c> facts (class name, description, capabilities) and cloning.</summary>
[Kind(TestKind.Fast)]
public sealed class BuiltInAgentConfigurationTests : FakeOpenAiServerTest
{
    protected override Reply? DefaultReply => Reply.Text("ok");

    private IConfigurationRoot Configuration(params (string Key, string Value)[] agents)
    {
        var values = new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = Key,
            ["OPENAI_BASE_URL"] = Server.OpenAiBaseUrl,
        };
        foreach (var (key, value) in agents)
        {
            values["CopilotRuntime:Agents:" + key] = value;
        }
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    [Fact]
    public async Task Agents_are_created_per_configuration_child_with_their_keys_bound()
    {
        var configuration = Configuration(
            ("default:Model", "openai/gpt-4o"),
            ("default:Prompt", "You are a helpful assistant."),
            ("default:MaxRetries", "0"),
            ("writer:Model", "anthropic/claude-sonnet-4-5"),
            ("writer:Temperature", "0.3"),
            ("writer:MaxSteps", "3"),
            ("writer:MaxOutputTokens", "500"),
            ("writer:Description", "Writes things"),
            ("writer:ApiKey", "writer-key"),
            ("writer:BaseUrl", "https://example.invalid/v1"));
        await using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).BuildServiceProvider();

        var agents = BuiltInAgentConfiguration.CreateAgents(configuration.GetSection("CopilotRuntime:Agents"), services);

        Assert.Equal(["default", "writer"], agents.Keys.Order());
        var writer = Assert.IsType<BuiltInAgent>(agents["writer"]).Options;
        Assert.Equal(("anthropic/claude-sonnet-4-5", 0.3f, 3, 500, "writer-key", "https://example.invalid/v1"),
            (writer.Model, writer.Temperature!.Value, writer.MaxSteps, writer.MaxOutputTokens!.Value, writer.ApiKey, writer.BaseUrl));
        Assert.Equal("Writes things", agents["writer"].Description);
        Assert.Equal("", agents["default"].Description);
        var defaults = Assert.IsType<BuiltInAgent>(agents["default"]).Options;
        Assert.Equal((1, 0, "You are a helpful assistant."), (defaults.MaxSteps, defaults.MaxRetries, defaults.Prompt));

        // Provider keys and base URLs come from the configuration (the host's environment).
        var events = await RunAsync(agents["default"].Clone(), Input());
        Assert.IsType<RunFinishedEvent>(events[^1]);
        var request = Assert.Single(Server.Requests);
        Assert.Equal($"Bearer {Key}", request.Header("Authorization"));
        Assert.Equal("You are a helpful assistant.", Messages(request)[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task The_default_agent_starts_from_the_official_defaults_and_configuration_overrides_them()
    {
        var configuration = Configuration(("default:Prompt", "Be terse."), ("default:Temperature", "0.1"));
        await using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).BuildServiceProvider();
        var section = configuration.GetSection("CopilotRuntime:Agents");

        var overridden = BuiltInAgentConfiguration.CreateAgent(section.GetSection("default"), services, BuiltInAgentConfiguration.DefaultAgentOptions()).Options;
        var untouched = BuiltInAgentConfiguration.CreateAgent(section.GetSection("absent"), services, BuiltInAgentConfiguration.DefaultAgentOptions()).Options;

        Assert.Equal(("openai/gpt-4o", "Be terse.", 0.1f, 0, 1), (overridden.Model, overridden.Prompt, overridden.Temperature!.Value, overridden.MaxRetries, overridden.MaxSteps));
        Assert.Equal(("openai/gpt-4o", "You are a helpful assistant.", 0, 1), (untouched.Model, untouched.Prompt, untouched.MaxRetries, untouched.MaxSteps));
        Assert.Null(untouched.Temperature);
    }

    [Fact]
    public async Task A_misconfigured_agent_fails_at_startup_naming_the_agent()
    {
        var configuration = Configuration(("broken:Model", "mistral/large"));
        await using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => BuiltInAgentConfiguration.CreateAgents(configuration.GetSection("CopilotRuntime:Agents"), services));

        Assert.Contains("'broken'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Unknown provider \"mistral\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_without_a_model_uses_the_chat_client_service_keyed_or_not()
    {
        var configuration = Configuration(("local:Prompt", "Local."), ("keyed:ChatClientKey", "ollama"));
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(FakeClient("unkeyed-model"))
            .AddKeyedSingleton("ollama", FakeClient("llama3.2"))
            .BuildServiceProvider();

        var agents = BuiltInAgentConfiguration.CreateAgents(configuration.GetSection("CopilotRuntime:Agents"), services);
        await RunAsync(agents["local"], Input());
        await RunAsync(agents["keyed"], Input());

        Assert.Equal(["unkeyed-model", "llama3.2"], Server.Requests.Select(r => r.Model));
    }

#pragma warning disable CS0618 // BasicAgent: the deprecated alias is what these two tests check.
    [Fact]
    public async Task Capabilities_description_and_class_names_are_what_info_reports()
    {
        var agent = Agent(Server);
        var basic = new BasicAgent(new BuiltInAgentOptions { Model = "openai/gpt-4o", Description = "Helps" }, Environment(Server));

        var capabilities = await agent.GetCapabilitiesAsync(TestContext.Current.CancellationToken);

        Assert.Equal("""{"tools":{"supported":true,"clientProvided":true},"transport":{"streaming":true},"humanInTheLoop":{"interrupts":true}}""", capabilities!.Value.GetRawText());
        Assert.Equal(("BuiltInAgent", ""), (agent.ClassName, agent.Description));
        Assert.Equal(("BasicAgent", "Helps"), (basic.ClassName, basic.Description));
    }

    [Fact]
    public async Task Clone_keeps_the_class_configuration_and_headers_and_runs_independently()
    {
        var basic = new BasicAgent(new BuiltInAgentOptions { Model = "openai/gpt-4o", Prompt = "P", Description = "Helps" }, Environment(Server));
        basic.AgentId = "default";
        basic.Headers["x-tenant"] = "a";

        var clone = Assert.IsType<BasicAgent>(basic.Clone());
        clone.Headers["x-tenant"] = "b";
        var events = await RunAsync(clone, Input());

        Assert.Equal(("default", "Helps", "P"), (clone.AgentId, clone.Description, clone.Options.Prompt));
        Assert.Equal("a", basic.Headers["x-tenant"]);
        Assert.IsType<RunFinishedEvent>(events[^1]);
    }
#pragma warning restore CS0618

    [Fact]
    public void Options_are_copied_at_construction()
    {
        var options = new BuiltInAgentOptions { Model = "openai/gpt-4o", Prompt = "before" };
        var agent = new BuiltInAgent(options, ProviderEnvironment.Process);

        options.Prompt = "after";

        Assert.Equal("before", agent.Options.Prompt);
    }

    [Theory]
    [InlineData("openai/gpt-4o", "openai", "gpt-4o")]
    [InlineData(" OpenAI/ft:gpt-4o:org ", "openai", "ft:gpt-4o:org")]
    [InlineData("openai:gpt-4o", "openai", "gpt-4o")]
    [InlineData("gemini/gemini-2.5-pro", "google", "gemini-2.5-pro")]
    [InlineData("google-gemini/gemini-2.5-pro", "google", "gemini-2.5-pro")]
    [InlineData("anthropic/claude-sonnet-4.5", "anthropic", "claude-sonnet-4.5")]
    [InlineData("azure/my-deployment", "azure-openai", "my-deployment")]
    public void Model_strings_parse_like_the_official_resolver(string spec, string provider, string model) =>
        Assert.Equal(new ModelSpec(provider, model), ModelSpec.Parse(spec));

    private IChatClient FakeClient(string model) =>
        new OpenAI.Chat.ChatClient(model, new ApiKeyCredential("k"), new OpenAI.OpenAIClientOptions { Endpoint = new Uri(Server.OpenAiBaseUrl) }).AsIChatClient();
}
