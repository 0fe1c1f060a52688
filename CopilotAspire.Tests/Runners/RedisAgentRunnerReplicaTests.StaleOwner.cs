using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Redis;
using CopilotAspire.Runtime.Runners;
using StackExchange.Redis;

namespace CopilotAspire.Tests.Runners;

/// <summary>An owner whose lock expired before its finish: its last batch is a plain XADD, not fenced by the lock.</summary>
public abstract partial class RedisAgentRunnerReplicaTests
{
    [Fact]
    public async Task A_stale_owners_last_batch_is_kept_whole_by_the_orphans_closing_and_its_run_stored_once()
    {
        var a = await _factory.CreateAsync();
        var b = await _factory.CreateAsync();
        var thread = NewThread();
        var agent = new GatedAgent(3);
        await using var run = (await a.RunAsync(TestAgents.Request(thread, "r1", agent), Ct)).GetAsyncEnumerator(Ct);
        var events = await run.ReadUntilAsync(e => e is TextMessageStartEvent);
        await using (var probe = (await b.ConnectAsync(Connect(thread), Ct)).GetAsyncEnumerator(Ct))
        {
            await probe.ReadUntilAsync(e => e is TextMessageStartEvent); // the first batch is in Redis
        }
        // The lock expiring before the owner's finish (it was stalled, say), without waiting LockTtl.
        await using var admin = await redis.ConnectAsync();
        var keys = new RedisThreadKeys("copilot:", thread);
        Assert.True(await admin.GetDatabase().KeyDeleteAsync(keys.Lock));

        agent.Release(3); // the rest without a wait: it all goes with the finish, whose script finds the lock gone
        events.AddRange(await run.ReadToEndAsync());
        await a.WhenIdleAsync(Ct);

        // The finish's plain XADD landed although its script refused: the run's own events, complete, under their ids.
        var stream = await admin.GetDatabase().StreamRangeAsync(keys.Run(1));
        Assert.Equal(["0-2", "0-7"], stream.Select(e => e.Id.ToString()));
        Assert.True(await admin.GetDatabase().KeyExistsAsync(keys.Active)); // not stored: the thread is an orphan

        // The next connect closes the orphan with what its stream holds: the whole run, finished, nothing added.
        var history = await ConnectAllAsync(b, thread);
        Assert.Equal(EventCompactor.Compact(events.Select(e => e.Event)).Json(), history.Json());
        Assert.IsType<RunFinishedEvent>(history[^1].Event);
        Assert.DoesNotContain(history, e => e.Event is RunErrorEvent);
        Assert.Equal(1, await admin.GetDatabase().ListLengthAsync(keys.Runs));
        Assert.False(await admin.GetDatabase().KeyExistsAsync(keys.Active));
        var afterResume = await ConnectAllAsync(b, thread, "1.4"); // the stream serves resumes as before
        Assert.Equal(["1.5", "1.6", "1.7"], afterResume.Select(e => e.Id));
    }
}
