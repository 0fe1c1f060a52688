using System.Net;
using System.Threading.Channels;
using CopilotAspire.Runtime.Middleware;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Tests.Http;

/// <summary>Before- and after-request middleware (§7, cases 72–76).</summary>
[Kind(TestKind.Fast)]
public sealed class MiddlewareTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 30_000)]
    public async Task Before_middleware_short_circuits_with_its_own_response_and_nothing_runs()
    {
        var after = Channel.CreateUnbounded<AfterRequestContext>();
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime
            .UseBeforeRequest(ctx => ValueTask.FromResult<IResult?>(ctx.HttpContext.Request.Headers.Authorization.Count == 0 ? Results.Text("Unauthorized", statusCode: 401) : null))
            .UseAfterRequest(ctx => after.Writer.WriteAsync(ctx)));
        var response = await host.PostAsync("/api/copilotkit/agent/default/run", RuntimeTestHost.Input("mw-blocked", "r1"), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Unauthorized", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());

        // The agent did not run: the thread has no history. That request is itself dispatched (it is authorized).
        using var connect = new HttpRequestMessage(HttpMethod.Post, "api/copilotkit/agent/default/connect") { Content = RuntimeTestHost.Json(RuntimeTestHost.Input("mw-blocked", "c")) };
        connect.Headers.TryAddWithoutValidation("Authorization", "Bearer ok");
        var frames = await Sse.ReadAllAsync(await host.Client.SendAsync(connect, HttpCompletionOption.ResponseHeadersRead, Ct), Ct);
        Assert.Empty(frames);
        var seen = await after.Reader.ReadAsync(Ct);
        Assert.Equal("agent/connect", seen.Method); // the short-circuited run never reached after-middleware
    }

    [Fact(Timeout = 30_000)]
    public async Task Before_middleware_throwing_a_result_short_circuits_and_other_exceptions_are_500()
    {
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime.UseBeforeRequest(ctx =>
            ctx.HttpContext.Request.Headers["X-Mode"].ToString() switch
            {
                "result" => throw new CopilotShortCircuitException(Results.Text("Teapot", statusCode: 418)),
                "crash" => throw new InvalidOperationException("secret detail"),
                _ => ValueTask.FromResult<IResult?>(null),
            }));
        foreach (var (mode, status, body) in new[] { ("result", 418, "Teapot"), ("crash", 500, """{"error":"internal_error"}""") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/copilotkit/info");
            request.Headers.Add("X-Mode", mode);
            var response = await host.Client.SendAsync(request, Ct);
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal(body, await response.Content.ReadAsStringAsync(Ct));
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Before_middleware_can_change_the_request_the_agent_sees()
    {
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime.UseBeforeRequest(ctx =>
        {
            ctx.HttpContext.Request.Headers["x-tenant"] = "acme";
            return ValueTask.FromResult<IResult?>(null);
        }));
        var (_, frames) = await host.PostSseAsync("/api/copilotkit/agent/echo/run", RuntimeTestHost.Input("mw-tenant", "r1"), Ct);
        var delta = (string)frames.Events().Single(e => (string)e["type"]! == "TEXT_MESSAGE_CONTENT")["delta"]!;
        JsonAssert.Equal("""{"x-tenant":"acme"}""", delta);
    }

    [Fact(Timeout = 30_000)]
    public async Task After_middleware_gets_the_reconstructed_messages_once_the_stream_ended()
    {
        var after = Channel.CreateUnbounded<AfterRequestContext>();
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime
            .UseAfterRequest(ctx => after.Writer.WriteAsync(ctx))
            .UseAfterRequest(_ => throw new InvalidOperationException("after-middleware failures are swallowed")));
        var (response, frames) = await host.PostSseAsync("/api/copilotkit/agent/default/run", RuntimeTestHost.Input("t1", "r1"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, frames.Count);

        var run = await after.Reader.ReadAsync(Ct);
        Assert.Equal("/api/copilotkit/agent/default/run", run.Path);
        Assert.Equal(200, run.StatusCode);
        Assert.Equal("t1", run.ThreadId);
        Assert.Equal("r1", run.RunId);
        Assert.Equal(5, run.EventCount);
        var message = Assert.Single(run.Messages);
        Assert.Equal(("m1", "assistant", "Hello from test"), (message.Id, message.Role, message.Text));

        await host.Client.GetAsync("api/copilotkit/info", Ct);
        var info = await after.Reader.ReadAsync(Ct);
        Assert.Equal("info", info.Method);
        Assert.Empty(info.Messages);
        Assert.Null(info.ThreadId);
        Assert.Null(info.RunId);
    }

    [Fact(Timeout = 30_000)]
    public async Task After_middleware_sees_tool_calls_attached_and_tool_results()
    {
        var after = Channel.CreateUnbounded<AfterRequestContext>();
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime.UseAfterRequest(ctx => after.Writer.WriteAsync(ctx)));
        await host.PostSseAsync("/api/copilotkit/agent/scripted/run", RuntimeTestHost.Input("mw-tools", "r1"), Ct);
        var run = await after.Reader.ReadAsync(Ct);
        Assert.Equal(2, run.Messages.Count);
        var call = Assert.Single(run.Messages[0].ToolCalls!);
        Assert.Equal(("r1-tool", "scripted_tool", "{\"echo\":\"hi\"}"), (call.Id, call.Function.Name, call.Function.Arguments));
        Assert.Equal(("r1-result", "tool", "r1-tool", "{\"ok\":true}"), (run.Messages[1].Id, run.Messages[1].Role, run.Messages[1].ToolCallId, run.Messages[1].Text));
    }

    [Fact(Timeout = 30_000)]
    public async Task After_middleware_is_not_called_for_router_errors_but_is_for_handler_errors()
    {
        var after = Channel.CreateUnbounded<AfterRequestContext>();
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime.UseAfterRequest(ctx => after.Writer.WriteAsync(ctx)));
        await host.Client.GetAsync("api/copilotkit/nope", Ct);           // router 404
        await host.Client.PostAsync("api/copilotkit/info", null, Ct);     // router 405
        await host.Client.GetAsync("api/copilotkit-single", Ct);          // single-route 405
        var (status, _) = (await host.PostAsync("/api/copilotkit/agent/nope/run", RuntimeTestHost.Input("t", "r"), Ct)).StatusCode switch { var s => (s, 0) };
        Assert.Equal(HttpStatusCode.NotFound, status);                   // handler 404: after-middleware runs
        var seen = await after.Reader.ReadAsync(Ct);
        Assert.Equal(("agent/run", 404), (seen.Method, seen.StatusCode));
        Assert.False(after.Reader.TryRead(out _));
    }
}
