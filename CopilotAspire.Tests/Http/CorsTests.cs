using System.Net;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Http;

/// <summary>CORS: permissive by default like the official runtime (§2.11, cases 69–71), and easy to tighten.</summary>
[Kind(TestKind.Fast)]
public sealed class CorsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 30_000)]
    public async Task Preflight_is_204_with_the_official_headers_on_any_path()
    {
        await using var host = await RuntimeTestHost.StartAsync();
        foreach (var path in new[] { "/api/copilotkit/info", "/api/copilotkit/agent/default/run", "/api/copilotkit/nowhere", "/api/copilotkit-single" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, path.TrimStart('/'));
            request.Headers.Add("Origin", "https://app.example");
            request.Headers.Add("Access-Control-Request-Method", "POST");
            var response = await host.Client.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Equal("GET, HEAD, PUT, POST, DELETE, PATCH, OPTIONS", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
            Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
            Assert.Equal("Access-Control-Request-Headers, Access-Control-Request-Method", string.Join(", ", response.Headers.Vary));
            Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Errors_and_streams_all_carry_the_origin_header()
    {
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime.UseBeforeRequest(ctx =>
            ValueTask.FromResult<Microsoft.AspNetCore.Http.IResult?>(ctx.HttpContext.Request.Headers.ContainsKey("X-Crash") ? throw new InvalidOperationException("x") : null)));
        async Task<HttpResponseMessage> Send(HttpMethod method, string path, string? body = null, bool crash = false)
        {
            using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = body is null ? null : RuntimeTestHost.Json(body) };
            if (crash)
            {
                request.Headers.Add("X-Crash", "1");
            }
            return await host.Client.SendAsync(request, Ct);
        }
        var responses = new[]
        {
            await Send(HttpMethod.Get, "/api/copilotkit/nope"),
            await Send(HttpMethod.Post, "/api/copilotkit/info"),
            await Send(HttpMethod.Post, "/api/copilotkit/agent/default/run", "{bad"),
            await Send(HttpMethod.Get, "/api/copilotkit/info", crash: true),
            await Send(HttpMethod.Post, "/api/copilotkit/agent/default/run", RuntimeTestHost.Input("cors-sse", "r1")),
        };
        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed, HttpStatusCode.BadRequest, HttpStatusCode.InternalServerError, HttpStatusCode.OK], responses.Select(r => r.StatusCode));
        Assert.All(responses, r => Assert.Equal("*", r.Headers.GetValues("Access-Control-Allow-Origin").Single()));
    }

    [Fact(Timeout = 30_000)]
    public async Task Listed_origins_with_credentials_echo_the_origin_and_refuse_others()
    {
        await using var host = await RuntimeTestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["CopilotRuntime:Cors:AllowedOrigins:0"] = "https://a.com",
            ["CopilotRuntime:Cors:AllowCredentials"] = "true",
        });
        using var allowed = new HttpRequestMessage(HttpMethod.Get, "api/copilotkit/info");
        allowed.Headers.Add("Origin", "https://a.com");
        var ok = await host.Client.SendAsync(allowed, Ct);
        Assert.Equal("https://a.com", ok.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", ok.Headers.GetValues("Access-Control-Allow-Credentials").Single());
        Assert.Contains("Origin", ok.Headers.Vary);

        using var other = new HttpRequestMessage(HttpMethod.Get, "api/copilotkit/info");
        other.Headers.Add("Origin", "https://b.com");
        var refused = await host.Client.SendAsync(other, Ct);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Cors_can_be_turned_off_for_aspnet_core_policies()
    {
        await using var host = await RuntimeTestHost.StartAsync(settings: new Dictionary<string, string?> { ["CopilotRuntime:Cors:Enabled"] = "false" });
        using var request = new HttpRequestMessage(HttpMethod.Options, "api/copilotkit/info");
        request.Headers.Add("Origin", "https://a.com");
        var response = await host.Client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
