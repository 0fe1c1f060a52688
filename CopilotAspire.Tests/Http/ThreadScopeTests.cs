using System.Net;
using System.Text.Json.Nodes;
using CopilotAspire.Runtime.Middleware;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Http;

/// <summary>The runtime's thread scope hook: each scope its own threads; a scope that cannot be used refuses the request.</summary>
[Kind(TestKind.Fast)]
public sealed class ThreadScopeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The scope is the X-Tenant header (a stand-in for an authenticated user's id).</summary>
    private static Task<RuntimeTestHost> StartAsync() => RuntimeTestHost.StartAsync(runtime => runtime.WithThreadScope((http, _) =>
    {
        var tenant = http.Request.Headers["X-Tenant"].ToString();
        return tenant switch
        {
            "none" => ValueTask.FromResult<string?>(null),
            "blank" => ValueTask.FromResult<string?>(""),
            "refuse" => throw new CopilotShortCircuitException(CopilotAspire.Runtime.Http.CopilotResults.Error(401, "unauthorized")),
            "crash" => throw new InvalidOperationException("secret detail"),
            _ => ValueTask.FromResult<string?>(tenant),
        };
    }));

    private static async Task<HttpResponseMessage> PostAsync(RuntimeTestHost host, string path, string? body, string tenant)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/')) { Content = body is null ? null : RuntimeTestHost.Json(body) };
        request.Headers.Add("X-Tenant", tenant);
        return await host.Client.SendAsync(request, Ct);
    }

    [Fact(Timeout = 30_000)]
    public async Task Each_scope_has_its_own_threads_and_null_is_the_shared_namespace()
    {
        await using var host = await StartAsync();
        foreach (var tenant in new[] { "a", "b", "none" })
        {
            var run = await PostAsync(host, "/api/copilotkit/agent/scripted/run", RuntimeTestHost.Input("same-id", "run-" + tenant), tenant);
            Assert.Equal(HttpStatusCode.OK, run.StatusCode);
            Assert.Contains("RUN_FINISHED", await run.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        foreach (var tenant in new[] { "a", "b", "none" })
        {
            var replay = await (await PostAsync(host, "/api/copilotkit/agent/scripted/connect", RuntimeTestHost.Input("same-id", "c"), tenant)).Content.ReadAsStringAsync(Ct);
            Assert.Contains("\"runId\":\"run-" + tenant + "\"", replay, StringComparison.Ordinal);
            Assert.Equal(2, replay.Split("\"type\":\"RUN_STARTED\"").Length); // one run: its own
        }
    }

    [Theory(Timeout = 30_000)]
    [InlineData("blank", 403, "forbidden")]
    [InlineData("refuse", 401, "unauthorized")]
    [InlineData("crash", 500, "internal_error")]
    public async Task A_scope_that_cannot_be_used_refuses_run_connect_and_stop_with_json(string tenant, int status, string error)
    {
        await using var host = await StartAsync();
        foreach (var (path, body) in new[]
        {
            ("/api/copilotkit/agent/scripted/run", RuntimeTestHost.Input("refused", "r1")),
            ("/api/copilotkit/agent/scripted/connect", RuntimeTestHost.Input("refused", "c")),
            ("/api/copilotkit/agent/scripted/stop/refused", null),
            ("/api/copilotkit-single", $$"""{"method":"agent/run","params":{"agentId":"scripted"},"body":{{RuntimeTestHost.Input("refused", "r1")}}}"""),
        })
        {
            var response = await PostAsync(host, path, body, tenant);
            Assert.Equal(status, (int)response.StatusCode);
            var json = await response.Content.ReadAsStringAsync(Ct);
            Assert.Equal(error, (string)JsonNode.Parse(json)!["error"]!);
            Assert.DoesNotContain("secret detail", json, StringComparison.Ordinal);
            Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }
        // Nothing ran, in any namespace.
        foreach (var other in new[] { "none", "refused", "blank" })
        {
            var replay = await PostAsync(host, "/api/copilotkit/agent/scripted/connect", RuntimeTestHost.Input("refused", "c"), other == "blank" ? "x" : other);
            Assert.Empty(await replay.Content.ReadAsStringAsync(Ct));
        }
    }
}
