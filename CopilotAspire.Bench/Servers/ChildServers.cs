using System.Buffers;
using CopilotAspire.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace CopilotAspire.Bench.Servers;

/// <summary>
/// The servers the benchmark runs as its own child processes (so that their CPU is not the load generator's):
/// <c>serve-ceiling</c>, a bare Kestrel SSE endpoint writing the frames of a scripted <c>tokens:N</c> run, flushed
/// per frame or (<c>coalesced</c>) all frames copied into the response's buffer and flushed once, as ours coalesces
/// a burst; and <c>serve-fake</c>, the deterministic OpenAI-compatible server answering every chat call with N
/// text deltas. Each prints "Now listening on: …" and runs until killed.
/// </summary>
public static class ChildServers
{
    public static async Task<int> ServeCeilingAsync(int tokens, bool coalesced)
    {
        var frames = CeilingFrames(tokens);
        var (app, address) = await LoopbackWebApp.StartAsync(_ => { }, app =>
        {
            app.MapGet("/api/copilotkit/info", () => Results.Text("""{"agents":{"scripted":{}}}""", "application/json"));
            app.MapPost("/api/copilotkit/agent/scripted/run", async (HttpContext context) =>
            {
                context.Response.ContentType = "text/event-stream";
                context.Response.Headers.CacheControl = "no-cache";
                await context.Response.StartAsync(context.RequestAborted);
                var writer = context.Response.BodyWriter;
                if (coalesced)
                {
                    foreach (var frame in frames)
                    {
                        writer.Write(frame);
                    }
                    await writer.FlushAsync(context.RequestAborted);
                    return;
                }
                foreach (var frame in frames)
                {
                    await writer.WriteAsync(frame, context.RequestAborted);
                }
            });
        });
        Console.WriteLine($"Now listening on: {address.GetLeftPart(UriPartial.Authority)}");
        await app.WaitForShutdownAsync();
        return 0;
    }

    public static async Task<int> ServeFakeAsync(int tokens)
    {
        await using var fake = await FakeOpenAiServer.StartAsync();
        fake.RecordRequests = false;
        fake.DefaultReply = Reply.Text([.. Enumerable.Range(0, tokens).Select(i => i == 0 ? "w0" : $" w{i}")]);
        Console.WriteLine($"Now listening on: {fake.BaseAddress.GetLeftPart(UriPartial.Authority)}");
        await Task.Delay(Timeout.Infinite);
        return 0;
    }

    /// <summary>The frames of the scripted agent's <c>tokens:N</c> run, as our runtime writes them.</summary>
    public static byte[][] CeilingFrames(int tokens)
    {
        static byte[] Frame(string json) => System.Text.Encoding.UTF8.GetBytes("data: " + json + "\n\n");
        var frames = new List<byte[]>
        {
            Frame("""{"type":"RUN_STARTED","threadId":"bench-thread","runId":"r1","input":{"threadId":"bench-thread","runId":"r1","state":{},"messages":[{"id":"u-bench-thread","role":"user","content":"tokens:200"}],"tools":[],"context":[],"forwardedProps":{}}}"""),
            Frame("""{"type":"TEXT_MESSAGE_START","messageId":"r1-text","role":"assistant"}"""),
        };
        for (var i = 0; i < tokens; i++)
        {
            frames.Add(Frame($$"""{"type":"TEXT_MESSAGE_CONTENT","messageId":"r1-text","delta":"{{(i == 0 ? "t0" : $" t{i}")}}"}"""));
        }
        frames.Add(Frame("""{"type":"TEXT_MESSAGE_END","messageId":"r1-text"}"""));
        frames.Add(Frame("""{"type":"RUN_FINISHED","threadId":"bench-thread","runId":"r1"}"""));
        return [.. frames];
    }
}
