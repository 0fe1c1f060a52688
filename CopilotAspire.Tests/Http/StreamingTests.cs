using System.Net;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Http;

/// <summary>SSE framing details: keep-alive comments while an agent is silent (case 77), none when disabled.</summary>
[Kind(TestKind.Fast)]
public sealed class StreamingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 30_000)]
    public async Task Silent_agent_gets_keep_alive_comments_until_it_speaks()
    {
        await using var host = await RuntimeTestHost.StartAsync(settings: new Dictionary<string, string?> { ["CopilotRuntime:KeepAliveSeconds"] = "0.05" });
        var response = await host.PostAsync("/api/copilotkit/agent/gated/run", RuntimeTestHost.Input("keepalive", "r1"), Ct, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync(Ct);
        var frames = new List<SseFrame>();
        await foreach (var frame in Sse.ReadFramesAsync(stream, Ct))
        {
            frames.Add(frame);
            if (frames.Count(f => f.Comment == "keep-alive") == 2)
            {
                ConformanceAgents.Gate("keepalive").TrySetResult(); // two keep-alives seen: let the agent finish
            }
        }
        Assert.Equal("RUN_STARTED", frames.First(f => f.Data is not null).Type); // a keep-alive may come first on a busy machine
        Assert.True(frames.Count(f => f.Comment == "keep-alive") >= 2);
        Assert.Equal(["RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED"], frames.Types());
        Assert.Null(frames[^1].Comment);
    }

    [Fact(Timeout = 30_000)]
    public async Task Keep_alive_zero_sends_no_comments()
    {
        await using var host = await RuntimeTestHost.StartAsync(settings: new Dictionary<string, string?> { ["CopilotRuntime:KeepAliveSeconds"] = "0" });
        var response = await host.PostAsync("/api/copilotkit/agent/gated/run", RuntimeTestHost.Input("no-keepalive", "r1"), Ct, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync(Ct);
        var frames = new List<SseFrame>();
        await foreach (var frame in Sse.ReadFramesAsync(stream, Ct))
        {
            frames.Add(frame);
            if (frame.Data is not null && frame.Type == "RUN_STARTED")
            {
                // Connect sees the run in flight; once it has replayed RUN_STARTED the agent may go on.
                var connect = await host.PostAsync("/api/copilotkit/agent/gated/connect", RuntimeTestHost.Input("no-keepalive", "c"), Ct, HttpCompletionOption.ResponseHeadersRead);
                await using var connectStream = await connect.Content.ReadAsStreamAsync(Ct);
                await using var live = Sse.ReadFramesAsync(connectStream, Ct).GetAsyncEnumerator(Ct);
                Assert.True(await live.MoveNextAsync());
                ConformanceAgents.Gate("no-keepalive").TrySetResult();
            }
        }
        Assert.DoesNotContain(frames, f => f.Comment is not null);
        Assert.Equal("RUN_FINISHED", frames.Types()[^1]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Stream_headers_are_sent_before_the_first_event()
    {
        await using var host = await RuntimeTestHost.StartAsync();
        // The gated agent has emitted only RUN_STARTED; the client already has a 200 and the first frame.
        var response = await host.PostAsync("/api/copilotkit/agent/gated/run", RuntimeTestHost.Input("headers-first", "r1"), Ct, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync(Ct);
        await using var frames = Sse.ReadFramesAsync(stream, Ct).GetAsyncEnumerator(Ct);
        Assert.True(await frames.MoveNextAsync());
        Assert.Equal("RUN_STARTED", frames.Current.Type);
        ConformanceAgents.Gate("headers-first").TrySetResult();
        while (await frames.MoveNextAsync())
        {
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Client_leaving_while_the_stream_is_idle_ends_the_response_quietly()
    {
        var after = System.Threading.Channels.Channel.CreateUnbounded<CopilotAspire.Runtime.Middleware.AfterRequestContext>();
        await using var host = await RuntimeTestHost.StartAsync(
            runtime => runtime.UseAfterRequest(ctx => after.Writer.WriteAsync(ctx)),
            new Dictionary<string, string?> { ["CopilotRuntime:KeepAliveSeconds"] = "0.05" });
        using (var leave = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            var response = await host.PostAsync("/api/copilotkit/agent/gated/run", RuntimeTestHost.Input("idle-leave", "r1"), leave.Token, HttpCompletionOption.ResponseHeadersRead);
            var stream = await response.Content.ReadAsStreamAsync(leave.Token);
            await using var frames = Sse.ReadFramesAsync(stream, leave.Token).GetAsyncEnumerator(leave.Token);
            while (await frames.MoveNextAsync() && frames.Current.Comment != "keep-alive")
            {
            }
            await leave.CancelAsync(); // gone while the agent is silent: the server is waiting for its next event
            response.Dispose();
        }
        var seen = await after.Reader.ReadAsync(Ct);
        Assert.True(seen.ClientDisconnected);
        Assert.Equal(200, seen.StatusCode);
        ConformanceAgents.Gate("idle-leave").TrySetResult();
    }
}
