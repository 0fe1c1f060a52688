using System.Net;
using System.Text.Json.Nodes;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Hosting;

/// <summary>SIGTERM to a real Api process (in-memory runner) while streams are open: the graceful drain.</summary>
[Kind(TestKind.Process)]
public sealed class GracefulShutdownTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SIGTERM_with_20_streams_open_refuses_new_runs_ends_every_stream_with_its_terminal_event_and_exits()
    {
        await using var api = await ApiProcess.StartAsync(new Dictionary<string, string>
        {
            ["CopilotRuntime__ShutdownGracePeriod"] = "00:00:10", // room for the 503 and health checks below on a loaded machine
        }, Ct);

        // 14 runs that cannot finish within the grace period, and 6 connects tailing some of them.
        var streams = new List<(string Kind, IAsyncEnumerator<SseFrame> Frames, List<SseFrame> Read)>();
        for (var i = 0; i < 14; i++)
        {
            var frames = await ApiStreams.OpenAsync(api, "/run", ApiStreams.Body($"drain-{i}", "r1", "tokens:100000 delay:50"), Ct);
            streams.Add(("run", frames, await frames.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT")));
        }
        for (var i = 0; i < 6; i++)
        {
            var frames = await ApiStreams.OpenAsync(api, "/connect", ApiStreams.Body($"drain-{i}", "c1", ""), Ct);
            streams.Add(("connect", frames, await frames.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT")));
        }

        api.Terminate();
        await api.WaitForOutputAsync("Draining:", Ct);

        using (var refused = await api.PostAsync(ApiStreams.Agent + "/run", ApiStreams.Body("drain-new", "r1", "hello"), Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("runner_unavailable", (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync(Ct))!["error"]);
            Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        }
        using (var health = await api.Client.GetAsync("/health", Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        }

        foreach (var (kind, frames, read) in streams)
        {
            read.AddRange(await frames.ReadToEndAsync());
            await frames.DisposeAsync();
            Assert.Equal("TEXT_MESSAGE_END", read[^2].Type);
            Assert.Equal("RUN_ERROR", read[^1].Type);
            Assert.Equal(LocalRuns.InterruptedCode, (string?)read[^1].Json["code"]);
            if (kind == "run")
            {
                var verifier = new EventVerifier();
                foreach (var frame in read)
                {
                    verifier.Verify(AgUiJson.DeserializeEvent(frame.Data!));
                }
            }
        }

        Assert.Equal(0, await api.WaitForExitAsync(Ct));
        Assert.Contains("Drained", api.Output, StringComparison.Ordinal);
    }
}

/// <summary>Bodies and SSE streams of the scripted agent on an <see cref="ApiProcess"/>.</summary>
public static class ApiStreams
{
    public const string Agent = "/api/copilotkit/agent/scripted";

    public static JsonObject Body(string threadId, string runId, string text) => new()
    {
        ["threadId"] = threadId,
        ["runId"] = runId,
        ["messages"] = text.Length == 0
            ? new JsonArray()
            : new JsonArray(new JsonObject { ["id"] = runId + "-user", ["role"] = "user", ["content"] = text }),
        ["tools"] = new JsonArray(),
        ["context"] = new JsonArray(),
        ["forwardedProps"] = new JsonObject(),
    };

    public static async Task<IAsyncEnumerator<SseFrame>> OpenAsync(ApiProcess api, string route, JsonObject body, CancellationToken cancellationToken)
    {
        var response = await api.PostAsync(Agent + route, body, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.ReadFramesAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
    }
}
