using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Redis;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Tests.Infrastructure;
using StackExchange.Redis;

namespace CopilotAspire.Tests.Runners;

/// <summary>Replicas: resuming after a <c>Last-Event-ID</c> (replayed, live, finished since, batched writes, raw per-event fields).</summary>
public abstract partial class RedisAgentRunnerReplicaTests
{
    [Fact]
    public async Task Resuming_after_any_replayed_event_gives_exactly_the_events_after_it()
    {
        var a = await _factory.CreateAsync();
        var b = await _factory.CreateAsync();
        var thread = NewThread();
        await (await a.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct);
        await (await a.RunAsync(TestAgents.Request(thread, "r2", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct);
        var full = await ConnectAllAsync(a, thread);

        for (var i = 0; i < full.Count; i++)
        {
            var resumed = await ConnectAllAsync(b, thread, full[i].Id);
            Assert.Equal(full.Skip(i + 1).Json(), resumed.Json());
            Assert.Equal(full.Skip(i + 1).Select(e => e.Id), resumed.Select(e => e.Id));
        }
        Assert.Equal(full.Json(), (await ConnectAllAsync(b, thread, "not-an-id")).Json());
    }

    [Fact]
    public async Task Resuming_a_live_run_on_another_replica_has_no_gap_and_no_duplicate()
    {
        var a = await _factory.CreateAsync();
        var b = await _factory.CreateAsync();
        var thread = NewThread();
        await (await a.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct);
        var agent = new GatedAgent(6);
        await using var run = (await a.RunAsync(TestAgents.Request(thread, "r2", agent), Ct)).GetAsyncEnumerator(Ct);
        var runEvents = await run.ReadUntilAsync(e => e is TextMessageStartEvent);
        agent.Release(2);

        // A client reads part of the live run on A, loses its connection, and resumes on B with Last-Event-ID.
        List<RunnerEvent> before;
        await using (var first = (await a.ConnectAsync(Connect(thread), Ct)).GetAsyncEnumerator(Ct))
        {
            before = await first.ReadUntilAsync(e => e is TextMessageContentEvent { Delta: " t1" });
        }
        await using var resumed = (await b.ConnectAsync(Connect(thread, before[^1].Id), Ct)).GetAsyncEnumerator(Ct);
        agent.Release(1);
        var after = await resumed.ReadUntilAsync(e => e is TextMessageContentEvent { Delta: " t2" });
        agent.Release(3);
        after.AddRange(await resumed.ReadToEndAsync());
        runEvents.AddRange(await run.ReadToEndAsync());

        var seen = before.Where(e => e.Id!.StartsWith("2.", StringComparison.Ordinal)).Concat(after).ToList();
        Assert.Equal(runEvents.Json(), seen.Json());
        Assert.Equal(runEvents.Select(e => e.Id), seen.Select(e => e.Id));
        Assert.Equal("2.5", after[0].Id);
        Assert.Equal("RUN_FINISHED", after[^1].Event.Type);
    }

    [Fact]
    public async Task Resuming_from_inside_a_run_that_has_finished_since_gives_the_rest_of_it_then_later_runs()
    {
        var a = await _factory.CreateAsync();
        var thread = NewThread();
        var run1 = await (await a.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct);
        var run2 = await (await a.RunAsync(TestAgents.Request(thread, "r2", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct);

        var resumed = await ConnectAllAsync(a, thread, run1[4].Id);

        var laterRun = EventCompactor.Compact(run2.Select(e => e.Event)).Json();
        Assert.Equal(run1.Skip(5).Json().Concat(laterRun), resumed.Json());
        Assert.Equal("1.6", resumed[0].Id);
    }

    [Theory]
    [InlineData(4096)] // the whole run in the finish's batch: one stream entry of 2,502 events
    [InlineData(100)]  // written while the agent runs, a batch whenever 100 are pending, the rest with the finish
    public async Task Resuming_from_any_raw_id_of_a_run_written_in_large_batches_gives_exactly_the_rest_of_it(int maxWriteBatch)
    {
        var (a, connection) = await _factory.CreateReplicaAsync(o => o.MaxWriteBatch = maxWriteBatch);
        var b = await _factory.CreateAsync();
        var thread = NewThread();
        var run = await (await a.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Flood(2_500)), Ct)).ReadAllAsync(Ct);
        Assert.Equal(2_502, run.Count);
        var entries = await connection.GetDatabase().StreamRangeAsync(new RedisThreadKeys("copilot:", thread).Run(1));
        Assert.InRange(entries.Length, 2_502 / maxWriteBatch + 1, 2_502);
        Assert.All(entries, entry => Assert.InRange(entry.Values.Single().Value.ToString().Count(c => c == '\n') + 1, 1, maxWriteBatch));

        foreach (var i in (int[])[0, 98, 99, 100, 101, 998, 999, 1_000, 1_001, 1_999, 2_000, 2_499, 2_500])
        {
            var resumed = await ConnectAllAsync(b, thread, run[i].Id);
            Assert.Equal(run.Skip(i + 1).Json(), resumed.Json());
            Assert.Equal(run.Skip(i + 1).Select(e => e.Id), resumed.Select(e => e.Id));
        }
    }

    [Fact]
    public async Task A_raw_stream_written_a_field_per_event_resumes_as_the_batched_form_does()
    {
        // The form written before a batch became one field: a field per event, named by its index.
        var (a, connection) = await _factory.CreateReplicaAsync();
        var thread = NewThread();
        var run = await (await a.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Flood(10)), Ct)).ReadAllAsync(Ct);
        var db = connection.GetDatabase();
        var key = new RedisThreadKeys("copilot:", thread).Run(1);
        var batched = Assert.Single(await db.StreamRangeAsync(key));
        Assert.Equal("0-12", batched.Id.ToString());
        Assert.Equal(string.Join('\n', run.Select(e => AgUiJson.Serialize(e.Event))), Assert.Single(batched.Values).Value.ToString());

        await db.KeyDeleteAsync(key);
        for (var start = 0; start < run.Count; start += 5)
        {
            var fields = run.Skip(start).Take(5).Select((e, i) => new NameValueEntry(start + i + 1, AgUiJson.Serialize(e.Event))).ToArray();
            await db.StreamAddAsync(key, fields, $"0-{start + fields.Length}");
        }

        foreach (var i in (int[])[0, 3, 4, 5, 9, 10])
        {
            var resumed = await ConnectAllAsync(a, thread, run[i].Id);
            Assert.Equal(run.Skip(i + 1).Json(), resumed.Json());
            Assert.Equal(run.Skip(i + 1).Select(e => e.Id), resumed.Select(e => e.Id));
        }
    }
}
