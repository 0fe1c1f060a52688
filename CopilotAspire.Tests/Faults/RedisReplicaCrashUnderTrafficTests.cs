using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Tests.Hosting;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Faults;

/// <summary>
/// The short CI version of the soak tool's replica crash (<c>eng/soak.sh</c>): two Api processes on a real
/// redis-server, paced runs on both, one replica SIGKILLed mid-traffic.
/// </summary>
[Kind(TestKind.Process)]
public sealed class RedisReplicaCrashUnderTrafficTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const int RunsPerReplica = 10;
    private const int Tokens = 40;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SIGKILL_of_a_replica_mid_traffic_closes_each_of_its_runs_as_interrupted_and_the_survivor_completes_all_of_its_own()
    {
        var environment = new Dictionary<string, string>
        {
            ["CopilotRuntime__Runner"] = "Redis",
            ["ConnectionStrings__redis"] = redis.ConnectionString,
            ["CopilotRuntime__Redis__LockTtl"] = "00:00:01",
        };
        var started = await Task.WhenAll(ApiProcess.StartAsync(environment, Ct), ApiProcess.StartAsync(environment, Ct));
        await using var doomed = started[0];
        await using var survivor = started[1];
        var prefix = "crash-" + Guid.NewGuid().ToString("N")[..8];
        var script = $"tokens:{Tokens} delay:100";
        const string Endless = "tokens:100000 delay:100"; // the doomed replica's runs are still going when it dies, however slow the machine

        // Runs on both replicas, all streaming; a connect on the survivor tails each run of the doomed one.
        var survivorRuns = new List<(IAsyncEnumerator<SseFrame> Frames, List<SseFrame> Read)>();
        var tails = new List<(IAsyncEnumerator<SseFrame> Frames, List<SseFrame> Read)>();
        var doomedRuns = new List<IAsyncEnumerator<SseFrame>>();
        for (var i = 0; i < RunsPerReplica; i++)
        {
            var onDoomed = await ApiStreams.OpenAsync(doomed, "/run", ApiStreams.Body($"{prefix}-a{i}", "r1", Endless), Ct);
            await onDoomed.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");
            doomedRuns.Add(onDoomed);
            var tail = await ApiStreams.OpenAsync(survivor, "/connect", ApiStreams.Body($"{prefix}-a{i}", "c1", ""), Ct);
            tails.Add((tail, await tail.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT")));
            var onSurvivor = await ApiStreams.OpenAsync(survivor, "/run", ApiStreams.Body($"{prefix}-b{i}", "r1", script), Ct);
            survivorRuns.Add((onSurvivor, await onSurvivor.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT")));
        }

        await doomed.KillAsync();

        foreach (var (frames, read) in survivorRuns)
        {
            read.AddRange(await frames.ReadToEndAsync());
            await frames.DisposeAsync();
            Assert.Equal("RUN_FINISHED", read[^1].Type);
            Assert.Equal(Tokens, read.Count(f => f.Type == "TEXT_MESSAGE_CONTENT"));
        }
        foreach (var (frames, read) in tails)
        {
            read.AddRange(await frames.ReadToEndAsync());
            await frames.DisposeAsync();
            Assert.Equal(["TEXT_MESSAGE_END", "RUN_ERROR"], read.TakeLast(2).Select(f => f.Type));
            Assert.Equal(LocalRuns.InterruptedCode, (string?)read[^1].Json["code"]);
        }
        foreach (var frames in doomedRuns)
        {
            await frames.DisposeAsync();
        }

        // Every thread's history replays as a valid stream: the survivor's runs finished, the dead replica's interrupted.
        var finished = 0;
        var interrupted = 0;
        for (var i = 0; i < RunsPerReplica; i++)
        {
            foreach (var thread in new[] { $"{prefix}-a{i}", $"{prefix}-b{i}" })
            {
                await using var replay = await ApiStreams.OpenAsync(survivor, "/connect", ApiStreams.Body(thread, "c2", ""), Ct);
                var history = await replay.ReadToEndAsync();
                var verifier = new EventVerifier();
                foreach (var frame in history)
                {
                    verifier.Verify(AgUiJson.DeserializeEvent(frame.Data!));
                }
                finished += history[^1].Type == "RUN_FINISHED" ? 1 : 0;
                interrupted += history[^1].Type == "RUN_ERROR" && (string?)history[^1].Json["code"] == LocalRuns.InterruptedCode ? 1 : 0;
            }
        }
        Assert.Equal(RunsPerReplica, finished);
        Assert.Equal(RunsPerReplica, interrupted);
    }
}
