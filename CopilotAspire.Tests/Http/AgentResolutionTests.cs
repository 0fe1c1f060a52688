using System.Net;
using System.Text.Json.Nodes;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Transcription;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Tests.Http;

/// <summary>Agents from a per-request factory, server-configured headers, the forwarding policy, and /info flags.</summary>
[Kind(TestKind.Fast)]
public sealed class AgentResolutionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonNode> EchoHeadersAsync(RuntimeTestHost host, string agent, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/copilotkit/agent/{agent}/run") { Content = RuntimeTestHost.Json(RuntimeTestHost.Input($"echo-{Guid.NewGuid():N}", "r1")) };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        var frames = await Sse.ReadAllAsync(await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct), Ct);
        return JsonNode.Parse((string)frames.Events().Single(e => (string)e["type"]! == "TEXT_MESSAGE_CONTENT")["delta"]!)!;
    }

    [Fact(Timeout = 30_000)]
    public async Task Agents_factory_sees_the_request_and_the_before_middleware_changes()
    {
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime
            .UseBeforeRequest(ctx =>
            {
                ctx.HttpContext.Request.Headers["x-tenant"] = ctx.HttpContext.Request.Headers["x-org"].ToString();
                return ValueTask.FromResult<IResult?>(null);
            })
            .WithAgentsFactory((context, _) =>
            {
                var tenant = context.Request.Headers["x-tenant"].ToString();
                var agents = ConformanceAgents.All().Where(a => a.Id == "echo").ToDictionary(a => $"{tenant}-assistant", a => a.Agent);
                return ValueTask.FromResult<IReadOnlyDictionary<string, AbstractAgent>>(agents);
            }));
        using var info = new HttpRequestMessage(HttpMethod.Get, "api/copilotkit/info");
        info.Headers.Add("X-Org", "acme");
        var body = JsonNode.Parse(await (await host.Client.SendAsync(info, Ct)).Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(["acme-assistant"], body["agents"]!.AsObject().Select(p => p.Key));

        var echoed = await EchoHeadersAsync(host, "acme-assistant", ("X-Org", "acme"));
        Assert.Equal("acme", (string)echoed["x-tenant"]!);
        var missing = await host.PostAsync("/api/copilotkit/agent/acme-assistant/run", RuntimeTestHost.Input("t", "r"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode); // no x-org: the factory gives another tenant's agents
    }

    [Fact(Timeout = 30_000)]
    public async Task Failing_agents_factory_answers_the_official_500_bodies()
    {
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime.WithAgentsFactory((_, _) => throw new InvalidOperationException("vault sealed")));
        var info = await host.Client.GetAsync("api/copilotkit/info", Ct);
        Assert.Equal(HttpStatusCode.InternalServerError, info.StatusCode);
        JsonAssert.Equal("""{"error":"Failed to retrieve runtime information","message":"vault sealed"}""", await info.Content.ReadAsStringAsync(Ct));
        var run = await host.PostAsync("/api/copilotkit/agent/default/run", RuntimeTestHost.Input("t", "r"), Ct);
        JsonAssert.Equal("""{"error":"Failed to run agent","message":"vault sealed"}""", await run.Content.ReadAsStringAsync(Ct));
        var stop = await host.PostAsync("/api/copilotkit/agent/default/stop/t", null, Ct);
        JsonAssert.Equal("""{"error":"Failed to stop agent","message":"vault sealed"}""", await stop.Content.ReadAsStringAsync(Ct));
    }

    [Fact(Timeout = 30_000)]
    public async Task Headers_configured_on_the_agent_win_over_forwarded_ones()
    {
        await using var host = await RuntimeTestHost.StartAsync(runtime =>
        {
            var agent = ConformanceAgents.All().Single(a => a.Id == "echo").Agent;
            agent.Headers["Authorization"] = "Bearer server";
            runtime.AddAgent("service-echo", agent);
        });
        var echoed = await EchoHeadersAsync(host, "service-echo", ("Authorization", "Bearer client"), ("X-Custom", "1"));
        JsonAssert.Equal("""{"Authorization":"Bearer server","x-custom":"1"}""", echoed);
    }

    [Fact(Timeout = 30_000)]
    public async Task Forwarding_policy_can_deny_more_or_switch_to_an_allowlist()
    {
        await using var deny = await RuntimeTestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["CopilotRuntime:ForwardHeaders:Deny:0"] = "X-Secret",
            ["CopilotRuntime:ForwardHeaders:DenyPrefixes:0"] = "x-internal-",
        });
        JsonAssert.Equal("""{"x-ok":"1"}""", await EchoHeadersAsync(deny, "echo", ("X-Secret", "s"), ("X-Internal-Id", "i"), ("X-Ok", "1")));

        await using var allow = await RuntimeTestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["CopilotRuntime:ForwardHeaders:Allow:0"] = "x-tenant",
            ["CopilotRuntime:ForwardHeaders:Allow:1"] = "x-forwarded-for",
        });
        JsonAssert.Equal("""{"x-tenant":"t","x-forwarded-for":"10.0.0.1"}""",
            await EchoHeadersAsync(allow, "echo", ("Authorization", "Bearer c"), ("X-Tenant", "t"), ("X-Forwarded-For", "10.0.0.1")));
    }

    [Fact(Timeout = 30_000)]
    public async Task Info_reports_transcription_when_a_service_is_configured()
    {
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime.WithTranscriptionService(new FixedTranscription()));
        var body = JsonNode.Parse(await host.Client.GetStringAsync("api/copilotkit/info", Ct))!;
        Assert.True((bool)body["audioFileTranscriptionEnabled"]!);
    }

    [Fact(Timeout = 30_000)]
    public async Task Scripted_agent_can_be_turned_off()
    {
        await using var host = await RuntimeTestHost.StartAsync(settings: new Dictionary<string, string?> { ["CopilotRuntime:ScriptedAgent:Enabled"] = "false" });
        var body = JsonNode.Parse(await host.Client.GetStringAsync("api/copilotkit/info", Ct))!;
        Assert.False(body["agents"]!.AsObject().ContainsKey("scripted"));
    }

    private sealed class FixedTranscription : TranscriptionService
    {
        public override Task<string> TranscribeFileAsync(TranscribeFileOptions options, CancellationToken cancellationToken) => Task.FromResult("fixed");
    }
}
