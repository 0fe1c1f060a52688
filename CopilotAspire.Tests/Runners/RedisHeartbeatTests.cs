using System.Diagnostics;
using System.Diagnostics.Metrics;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Redis;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Tests.Runners;

/// <summary>
/// The heartbeat renews only the runs whose writes did not: a run writing more often than every LockTtl/3 sends no
/// heartbeat calls (at thousands of runs those were a burst of one call per run every beat, queued with the writes
/// until leases ran out), and a run that waits longer than LockTtl is still kept alive by them.
/// </summary>
[Kind(TestKind.Process)]
public sealed class RedisHeartbeatTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan LockTtl = TimeSpan.FromSeconds(6);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_run_that_writes_sends_no_heartbeat_and_a_run_that_waits_past_LockTtl_is_kept_by_them()
    {
        var prefix = "beat-" + Guid.NewGuid().ToString("N")[..8] + ":";
        var thread = "thread-" + Guid.NewGuid().ToString("N")[..12];
        using var meters = new OwnMeterFactory();
        var beats = 0;
        var enoughBeats = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Name == "copilot.redis.heartbeats")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            if (Interlocked.Add(ref beats, (int)value) >= 4)
            {
                enoughBeats.TrySetResult();
            }
        });
        listener.Start();
        await using var connection = await redis.ConnectAsync();
        await using var admin = await redis.ConnectAsync();
        await using var runner = new RedisAgentRunner(connection, Options.Create(new RedisAgentRunnerOptions { KeyPrefix = prefix, LockTtl = LockTtl }), meterFactory: meters);

        const int Tokens = 10_000;
        var agent = new GatedAgent(Tokens);
        await using var run = (await runner.RunAsync(TestAgents.Request(thread, "r1", agent, Message.User("u1", "hi")), Ct)).GetAsyncEnumerator(Ct);
        await run.ReadUntilAsync(e => e is TextMessageStartEvent);

        // Streaming for three beats (LockTtl/3 each): a token at a time, each in Redis before the next.
        var released = 0;
        var streaming = Stopwatch.StartNew();
        while (streaming.Elapsed < LockTtl * 1.2 && released < Tokens / 2)
        {
            agent.Release();
            released++;
            await RedisRunKeyTtlTests.WhenWrittenAsync(admin, prefix, thread, atLeast: 2 + released);
        }
        Assert.Equal(0, Volatile.Read(ref beats));

        // Waiting: four beats (more than LockTtl) keep the lock, and the run finishes stored whole.
        await enoughBeats.Task.WaitAsync(Ct);
        agent.Release(Tokens - released);
        var events = await run.ReadToEndAsync();
        Assert.IsType<RunFinishedEvent>(events[^1].Event);
        var history = await (await runner.ConnectAsync(new AgentConnectRequest(thread, "test", new Dictionary<string, string>(), null), Ct)).ReadAllAsync(Ct);
        // The stored run is compacted (one content event per message): every token is in it.
        Assert.Equal(string.Join(' ', Enumerable.Range(0, Tokens).Select(i => $"t{i}")),
            string.Concat(history.Select(e => e.Event).OfType<TextMessageContentEvent>().Select(e => e.Delta)));
        Assert.IsType<RunFinishedEvent>(history[^1].Event);
    }

    /// <summary>Meters scoped to this factory, so the listener hears this test's runner only.</summary>
    private sealed class OwnMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
