using System.Net;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Http;

/// <summary>
/// Requests no route serves answer like every other error (wire spec §2.2, §2.3, §2.10): the JSON body, the CORS
/// headers, and after the before-request middleware. Unknown methods (FOO) get the router's 405 / 404, not ASP.NET
/// Core's bare 405; case-mismatched routes (the CopilotKit router is case-sensitive) get the JSON 404.
/// </summary>
[Kind(TestKind.Fast)]
public sealed class RoutingErrorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 30_000)]
    [InlineData("FOO", "/api/copilotkit/agent/default/run", 405, "POST")]
    [InlineData("PROPFIND", "/api/copilotkit/agent/default/stop/t1", 405, "POST")]
    [InlineData("FOO", "/api/copilotkit/info", 405, "GET")]
    [InlineData("BREW", "/api/copilotkit/transcribe", 405, "POST")]
    [InlineData("FOO", "/api/copilotkit/nowhere", 404, null)]
    [InlineData("FOO", "/api/copilotkit", 404, null)]
    [InlineData("FOO", "/api/copilotkit-single", 405, "POST")]
    [InlineData("CONNECT2", "/api/copilotkit-single/anything", 405, "POST")]
    public async Task Unknown_methods_get_the_router_json_error_with_cors(string method, string path, int status, string? allow)
    {
        var seen = new List<string>();
        await using var host = await StartRecordingPathsAsync(seen);
        using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
        request.Headers.Add("Origin", "https://app.example");
        var response = await host.Client.SendAsync(request, Ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonAssert.Equal(status == 405 ? """{"error":"Method not allowed"}""" : """{"error":"Not found"}""", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(allow, response.Content.Headers.Allow.Count == 0 ? null : string.Join(", ", response.Content.Headers.Allow));
        Assert.Equal([path], seen);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("POST", "/api/copilotkit/Agent/default/run")]
    [InlineData("POST", "/api/copilotkit/agent/default/RUN")]
    [InlineData("POST", "/api/copilotkit/agent/default/Stop/t1")]
    [InlineData("GET", "/api/copilotkit/INFO")]
    [InlineData("GET", "/API/copilotkit/info")]
    [InlineData("POST", "/api/CopilotKit/transcribe")]
    [InlineData("FOO", "/api/copilotkit/Agent/default/run")]
    public async Task Case_mismatched_routes_are_the_json_404_after_the_before_request_middleware(string method, string path)
    {
        var seen = new List<string>();
        await using var host = await StartRecordingPathsAsync(seen);
        using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'))
        {
            Content = method == "GET" ? null : RuntimeTestHost.Json(RuntimeTestHost.Input("case", "r1")),
        };
        request.Headers.Add("Origin", "https://app.example");
        var response = await host.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        JsonAssert.Equal("""{"error":"Not found"}""", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal([path], seen);

        var (_, replay) = await host.PostSseAsync("/api/copilotkit/agent/default/connect", RuntimeTestHost.Input("case", "c"), Ct);
        Assert.Empty(replay); // nothing ran
    }

    /// <summary>A host whose before-request middleware records the path of every request it sees.</summary>
    private static Task<RuntimeTestHost> StartRecordingPathsAsync(List<string> seen) => RuntimeTestHost.StartAsync(runtime => runtime.UseBeforeRequest(ctx =>
    {
        lock (seen)
        {
            seen.Add(ctx.Path);
        }
        return ValueTask.FromResult<Microsoft.AspNetCore.Http.IResult?>(null);
    }));

    [Fact(Timeout = 30_000)]
    public async Task With_cors_off_options_and_unknown_methods_are_405_without_cors_headers()
    {
        await using var host = await RuntimeTestHost.StartAsync(settings: new Dictionary<string, string?> { ["CopilotRuntime:Cors:Enabled"] = "false" });
        foreach (var (method, path, allow) in new[] { ("OPTIONS", "/api/copilotkit/info", "GET"), ("FOO", "/api/copilotkit/agent/default/connect", "POST"), ("OPTIONS", "/api/copilotkit-single", "POST") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
            request.Headers.Add("Origin", "https://app.example");
            var response = await host.Client.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
            JsonAssert.Equal("""{"error":"Method not allowed"}""", await response.Content.ReadAsStringAsync(Ct));
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        }
    }
}
