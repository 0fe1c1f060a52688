using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Client;

/// <summary>
/// CopilotKit's own client core (<c>@copilotkit/core</c> 1.75.0, what <c>@copilotkit/react-core</c> runs on) against
/// our server: <c>/info</c> discovery on every transport (REST, single-route, and "auto", which probes
/// <c>GET /info</c> and falls back to the envelope), then the proxied agent's run, connect and stop.
/// </summary>
[Kind(TestKind.Process)]
public sealed class CopilotKitCoreClientTests(RuntimeHostFixture fixture) : IClassFixture<RuntimeHostFixture>
{
    private readonly RuntimeTestHost _host = fixture.Host;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 60_000)]
    [InlineData(RuntimeTestHost.BasePath, "rest")]
    [InlineData(RuntimeTestHost.BasePath, "auto")]
    [InlineData(RuntimeTestHost.SinglePath, "single")]
    [InlineData(RuntimeTestHost.SinglePath, "auto")]
    public async Task Core_discovers_the_runtime_and_runs_an_agent_on_every_transport(string path, string transport)
    {
        var url = new Uri(_host.BaseAddress, path.TrimStart('/')).ToString();
        var threadId = $"ck-run-{transport}-{path.Length}";
        var result = await NodeClient.RunCopilotKitCoreAsync("run", url, transport, "scripted", threadId, "hello core", Ct);

        Assert.Equal(CopilotAspire.Runtime.Hosting.CopilotRuntime.Version, result.GetProperty("runtimeVersion").GetString());
        Assert.Contains("scripted", result.GetProperty("agents").EnumerateArray().Select(a => a.GetString()));
        var messages = result.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "tool"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Hello from scripted", messages[1].GetProperty("content").GetString());
        JsonAssert.Equal("""{"step":1,"status":"done","echo":"hello core"}""", result.GetProperty("state").GetRawText());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(RuntimeTestHost.BasePath, "rest")]
    [InlineData(RuntimeTestHost.SinglePath, "single")]
    public async Task Core_connect_restores_the_thread_on_a_fresh_client(string path, string transport)
    {
        var url = new Uri(_host.BaseAddress, path.TrimStart('/')).ToString();
        var threadId = $"ck-connect-{transport}";
        await NodeClient.RunCopilotKitCoreAsync("run", url, transport, "scripted", threadId, "remember me", Ct);
        var result = await NodeClient.RunCopilotKitCoreAsync("connect", url, transport, "scripted", threadId, null, Ct);
        var messages = result.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "tool"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("remember me", messages[0].GetProperty("content").GetString());
        JsonAssert.Equal("""{"step":1,"status":"done","echo":"remember me"}""", result.GetProperty("state").GetRawText());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(RuntimeTestHost.BasePath, "rest")]
    [InlineData(RuntimeTestHost.SinglePath, "single")]
    public async Task Core_stop_ends_the_run_with_the_partial_message(string path, string transport)
    {
        var url = new Uri(_host.BaseAddress, path.TrimStart('/')).ToString();
        var result = await NodeClient.RunCopilotKitCoreAsync("stop", url, transport, "scripted", $"ck-stop-{transport}", "tokens:100000 delay:20", Ct);
        Assert.True(result.GetProperty("stopped").GetBoolean());
        var assistant = result.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "assistant");
        Assert.StartsWith("t0", assistant.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("t99999", assistant.GetProperty("content").GetString(), StringComparison.Ordinal);
    }
}
