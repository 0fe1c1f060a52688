using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Redis;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Tests.Infrastructure;
using StackExchange.Redis;

namespace CopilotAspire.Tests.Runners;

/// <summary>
/// Two <see cref="RedisAgentRunner"/>s on one Redis deployment behave as two replicas of one runtime: on one
/// redis-server (<see cref="SingleRedisAgentRunnerReplicaTests"/>) or a cluster (<see cref="ClusterRedisAgentRunnerReplicaTests"/>).
/// </summary>
public abstract partial class RedisAgentRunnerReplicaTests(IRedisTestServer redis) : IAsyncDisposable
{
    private readonly RedisRunnerFactory _factory = new(redis);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return _factory.DisposeAsync();
    }

    private static string NewThread() => "thread-" + Guid.NewGuid().ToString("N")[..12];

    private static AgentConnectRequest Connect(string threadId, string? lastEventId = null) => new(threadId, "test", new Dictionary<string, string>(), lastEventId);

    private static async Task<List<RunnerEvent>> ConnectAllAsync(AgentRunner runner, string threadId, string? lastEventId = null) =>
        await (await runner.ConnectAsync(Connect(threadId, lastEventId), Ct)).ReadAllAsync(Ct);

    [Fact]
    public async Task Connect_on_another_replica_mid_run_gets_the_replay_then_every_live_event_in_order()
    {
        var a = await _factory.CreateAsync();
        var b = await _factory.CreateAsync();
        var thread = NewThread();
        var agent = new GatedAgent(5);
        await using var run = (await a.RunAsync(TestAgents.Request(thread, "r1", agent), Ct)).GetAsyncEnumerator(Ct);
        await run.ReadUntilAsync(e => e is TextMessageStartEvent);
        agent.Release(2);

        await using var connect = (await b.ConnectAsync(Connect(thread), Ct)).GetAsyncEnumerator(Ct);
        var seen = await connect.ReadUntilAsync(e => e is TextMessageContentEvent { Delta: " t1" });
        agent.Release(3);
        seen.AddRange(await connect.ReadToEndAsync());
        var all = await (await a.ConnectAsync(Connect(thread), Ct)).ReadAllAsync(Ct);

        var runEvents = (await run.ReadToEndAsync()).Select(e => e.Event).ToList();
        Assert.Equal(9, seen.Count);
        Assert.Equal(["RUN_STARTED", "TEXT_MESSAGE_START", .. Enumerable.Repeat("TEXT_MESSAGE_CONTENT", 5), "TEXT_MESSAGE_END", "RUN_FINISHED"], seen.Types());
        Assert.Equal(Enumerable.Range(1, 9).Select(i => $"1.{i}"), seen.Select(e => e.Id));
        Assert.Equal(EventCompactor.Compact(seen.Select(e => e.Event)).Json(), all.Json());
        Assert.NotEmpty(runEvents);
    }

    [Fact]
    public async Task A_run_on_another_replica_while_the_thread_is_busy_gets_an_empty_stream()
    {
        var a = await _factory.CreateAsync();
        var b = await _factory.CreateAsync();
        var thread = NewThread();
        await using var run = (await a.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Hanging()), Ct)).GetAsyncEnumerator(Ct);
        await run.ReadUntilAsync(e => e is ToolCallArgsEvent);

        Assert.Empty(await (await b.RunAsync(TestAgents.Request(thread, "r2", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct));
        Assert.True(await b.IsRunningAsync(thread, Ct));

        Assert.True((await b.StopAsync(thread, null, Ct)).Stopped);
        await run.ReadToEndAsync();
    }

    [Fact]
    public async Task Stop_sent_to_another_replica_ends_the_run_with_the_same_closing_events_as_a_local_stop()
    {
        var a = await _factory.CreateAsync();
        var b = await _factory.CreateAsync();
        var local = NewThread();
        var remote = NewThread();
        await using var localRun = (await a.RunAsync(TestAgents.Request(local, "r1", TestAgents.Hanging()), Ct)).GetAsyncEnumerator(Ct);
        await using var remoteRun = (await a.RunAsync(TestAgents.Request(remote, "r1", TestAgents.Hanging()), Ct)).GetAsyncEnumerator(Ct);
        await localRun.ReadUntilAsync(e => e is ToolCallArgsEvent);
        await remoteRun.ReadUntilAsync(e => e is ToolCallArgsEvent);

        Assert.Equal(StopOutcome.NotActiveRun, (await b.StopAsync(remote, "r9", Ct)).Outcome);
        Assert.Equal(StopOutcome.Stopped, (await a.StopAsync(local, null, Ct)).Outcome);
        Assert.Equal(StopOutcome.Stopped, (await b.StopAsync(remote, "r1", Ct)).Outcome);
        Assert.Equal(StopOutcome.NotRunning, (await a.StopAsync(remote, null, Ct)).Outcome);

        var localTail = (await localRun.ReadToEndAsync()).Json();
        var remoteTail = (await remoteRun.ReadToEndAsync()).Json();
        Assert.Equal(localTail.Count, remoteTail.Count);
        Assert.Equal(localTail.Select(j => j.Replace(local, "T", StringComparison.Ordinal)), remoteTail.Select(j => j.Replace(remote, "T", StringComparison.Ordinal)));
        Assert.Equal(4, remoteTail.Count);
        Assert.Equal(new RunFinishedEvent { ThreadId = remote, RunId = "r1" }, AgUiJson.DeserializeEvent(remoteTail[^1]));
        Assert.Equal(13, (await (await b.RunAsync(TestAgents.Request(remote, "r2", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct)).Count);
    }

    [Fact]
    public async Task After_a_run_both_replicas_replay_identical_streams_with_ids()
    {
        var a = await _factory.CreateAsync();
        var b = await _factory.CreateAsync();
        var thread = NewThread();
        var run = await (await a.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct);
        await (await b.RunAsync(TestAgents.Request(thread, "r2", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct);

        var fromA = await ConnectAllAsync(a, thread);
        var fromB = await ConnectAllAsync(b, thread);

        Assert.Equal(fromA.Json(), fromB.Json());
        Assert.Equal(fromA.Select(e => e.Id), fromB.Select(e => e.Id));
        Assert.All(fromA, e => Assert.NotNull(e.Id));
        Assert.Equal("1.c1", fromA[0].Id);
        Assert.Equal(Enumerable.Range(1, run.Count).Select(i => $"1.{i}"), run.Select(e => e.Id));
    }

    [Fact]
    public async Task A_replica_that_dies_mid_run_has_its_run_closed_as_interrupted_for_live_connects()
    {
        var (a, connectionA) = await _factory.CreateReplicaAsync(o => o.LockTtl = TimeSpan.FromMilliseconds(600));
        var b = await _factory.CreateAsync(o => o.LockTtl = TimeSpan.FromMilliseconds(600));
        var thread = NewThread();
        var run = (await a.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Hanging()), Ct)).GetAsyncEnumerator(Ct);
        await using var connect = (await b.ConnectAsync(Connect(thread), Ct)).GetAsyncEnumerator(Ct);
        var head = await connect.ReadUntilAsync(e => e is ToolCallArgsEvent);

        await connectionA.CloseAsync(allowCommandsToComplete: false); // replica A "dies": no release, no heartbeat
        var tail = await connect.ReadToEndAsync();

        Assert.Equal(["TEXT_MESSAGE_END", "TOOL_CALL_END", "TOOL_CALL_RESULT", "RUN_ERROR"], tail.Types());
        var error = Assert.IsType<RunErrorEvent>(tail[^1].Event);
        Assert.Equal(RunErrorCodes.RunInterrupted, error.Code);
        Assert.Equal(RunErrorCodes.RunInterruptedMessage, error.Message);
        Assert.Contains("missing_terminal_event", Assert.IsType<ToolCallResultEvent>(tail[2].Event).Content, StringComparison.Ordinal);

        Assert.Equal(13, (await (await b.RunAsync(TestAgents.Request(thread, "r2", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct)).Count);
        var replay = await ConnectAllAsync(b, thread);
        AssertValidHistory(replay, "r1", "r2");
        await run.DisposeAsync();
    }

    [Fact]
    public async Task An_orphaned_run_is_closed_by_the_next_run_or_stop_on_any_replica()
    {
        var b = await _factory.CreateAsync();
        var threads = new[] { NewThread(), NewThread() };
        foreach (var thread in threads)
        {
            var (a, connectionA) = await _factory.CreateReplicaAsync();
            await using var run = (await a.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Hanging()), Ct)).GetAsyncEnumerator(Ct);
            await run.ReadUntilAsync(e => e is ToolCallArgsEvent);
            await using var probe = (await b.ConnectAsync(Connect(thread), Ct)).GetAsyncEnumerator(Ct);
            await probe.ReadUntilAsync(e => e is ToolCallArgsEvent); // the events are in Redis
            await connectionA.CloseAsync(allowCommandsToComplete: false);
            // The lock expiring, without waiting LockTtl: delete it as expiry would.
            await using var admin = await redis.ConnectAsync();
            Assert.True(await admin.GetDatabase().KeyDeleteAsync(new RedisThreadKeys("copilot:", thread).Lock));
        }

        Assert.Equal(StopOutcome.NotRunning, (await b.StopAsync(threads[0], null, Ct)).Outcome);
        var viaRun = await (await b.RunAsync(TestAgents.Request(threads[1], "r2", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct);
        Assert.Equal(13, viaRun.Count);

        AssertValidHistory(await ConnectAllAsync(b, threads[0]), "r1");
        AssertValidHistory(await ConnectAllAsync(b, threads[1]), "r1", "r2");
        Assert.Equal(RunErrorCodes.RunInterrupted, Assert.IsType<RunErrorEvent>((await ConnectAllAsync(b, threads[0]))[^1].Event).Code);
    }

    [Fact]
    public async Task Thread_keys_share_one_hash_tag_have_a_ttl_and_odd_thread_ids_are_hashed()
    {
        var a = await _factory.CreateAsync(o => o.KeyPrefix = "ttltest:");
        var thread = "user 42 / thread {x} " + new string('é', 200);
        await (await a.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Fixed(), Message.User("u1", "hi")), Ct)).ReadAllAsync(Ct);

        await using var admin = await redis.ConnectAsync();
        var keys = RedisClusterFixture.Masters(admin).SelectMany(server => server.Keys(pattern: "ttltest:*")).Select(k => k.ToString()).ToList();
        var tag = new RedisThreadKeys("ttltest:", thread).Tag;
        Assert.StartsWith("t:#", tag, StringComparison.Ordinal);
        var threadKeys = keys.Where(k => k.StartsWith($"ttltest:{{{tag}}}:", StringComparison.Ordinal)).ToList();
        Assert.Equal(["meta", "msgs", "run:1", "runmsgs", "runs", "seq"], threadKeys.Select(k => k[(k.IndexOf('}', StringComparison.Ordinal) + 2)..]).Order(StringComparer.Ordinal));
        // The rest is the scope's thread index and its list records, under its own hash tag (wire spec §20.9).
        Assert.Equal(["ttltest:{i}:agents", "ttltest:{i}:live:test", "ttltest:{i}:records"], keys.Except(threadKeys).Order(StringComparer.Ordinal));
        foreach (var key in keys)
        {
            var ttl = await admin.GetDatabase().KeyTimeToLiveAsync(key);
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
        }
        Assert.IsType<RunFinishedEvent>((await ConnectAllAsync(a, thread))[^1].Event);
        Assert.Equal("plain-id_1.2:3@x", RedisThreadKeys.TagFor("plain-id_1.2:3@x"));
    }

    [Fact]
    public async Task A_connect_that_is_never_enumerated_leaves_no_subscription()
    {
        var (a, connection) = await _factory.CreateReplicaAsync();
        var thread = NewThread();
        await (await a.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct);

        _ = await a.ConnectAsync(Connect(thread), Ct); // e.g. the client left before the response started

        await connection.GetSubscriber().PingAsync(); // after anything sent before on the subscription connection
        Assert.Equal(0, await NotifySubscribersAsync(thread));
    }

    [Fact]
    public async Task A_connect_cancelled_before_it_starts_leaves_no_subscription()
    {
        var (a, connection) = await _factory.CreateReplicaAsync();
        var thread = NewThread();
        await (await a.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync(); // the request was aborted

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await a.ConnectAsync(Connect(thread), cancelled.Token));

        await connection.GetSubscriber().PingAsync();
        Assert.Equal(0, await NotifySubscribersAsync(thread));
    }

    [Fact]
    public async Task A_connect_tailing_a_live_run_unsubscribes_when_its_client_leaves()
    {
        var a = await _factory.CreateAsync();
        var b = await _factory.CreateAsync();
        var thread = NewThread();
        var agent = new GatedAgent(2);
        await using var run = (await a.RunAsync(TestAgents.Request(thread, "r1", agent), Ct)).GetAsyncEnumerator(Ct);
        await run.ReadUntilAsync(e => e is TextMessageStartEvent);

        await using (var tail = (await b.ConnectAsync(Connect(thread), Ct)).GetAsyncEnumerator(Ct))
        {
            await tail.ReadUntilAsync(e => e is TextMessageStartEvent);
            agent.Release(1);
            await tail.ReadUntilAsync(e => e is TextMessageContentEvent); // woken by its subscription
            Assert.Equal(1, await NotifySubscribersAsync(thread));
        }

        await WaitUntilAsync(async () => await NotifySubscribersAsync(thread) == 0);
        agent.Release(1);
        Assert.IsType<RunFinishedEvent>((await run.ReadToEndAsync())[^1].Event);
    }

    [Fact]
    public async Task Resuming_inside_a_run_whose_raw_events_expired_replays_that_run_compacted_then_later_runs()
    {
        var (a, connection) = await _factory.CreateReplicaAsync(o => o.ResumeWindow = TimeSpan.FromSeconds(1));
        var thread = NewThread();
        var run1 = await (await a.RunAsync(TestAgents.Request(thread, "r1", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct);
        var run2 = await (await a.RunAsync(TestAgents.Request(thread, "r2", TestAgents.Fixed()), Ct)).ReadAllAsync(Ct);
        var keys = new RedisThreadKeys("copilot:", thread);
        await WaitUntilAsync(async () => !await connection.GetDatabase().KeyExistsAsync(keys.Run(1)));

        var resumed = await ConnectAllAsync(a, thread, run1[4].Id);

        // The rest of run 1 as emitted is gone: run 1 again in full (a duplicate, never a gap), then run 2.
        var expected = EventCompactor.Compact(run1.Select(e => e.Event)).Json().Concat(EventCompactor.Compact(run2.Select(e => e.Event)).Json());
        Assert.Equal(expected, resumed.Json());
        Assert.Equal("1.c1", resumed[0].Id);
    }

    [Fact]
    public async Task Message_ids_are_kept_only_for_the_runs_still_stored()
    {
        var (a, connection) = await _factory.CreateReplicaAsync(o => o.MaxRunsPerThread = 1);
        var thread = NewThread();
        var messages = new List<Message>();
        for (var i = 0; i < 30; i++)
        {
            messages.Add(Message.User($"u{i}", $"hi {i}"));
            await (await a.RunAsync(TestAgents.Request(thread, $"r{i}", TestAgents.Fixed(), [.. messages]), Ct)).ReadAllAsync(Ct);
        }

        var keys = new RedisThreadKeys("copilot:", thread);
        var db = connection.GetDatabase();
        var stored = new HashSet<string>(StringComparer.Ordinal);
        RunHistoryRules.CollectMessageIds((await ConnectAllAsync(a, thread)).Select(e => e.Event), stored);
        Assert.Equal(1, await db.ListLengthAsync(keys.Runs));
        Assert.Equal(1, await db.ListLengthAsync($"copilot:{{t:{thread}}}:runmsgs"));
        Assert.Equal(stored.Order(StringComparer.Ordinal), (await db.HashKeysAsync(keys.MessageIds)).Select(k => k.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Thread_ids_up_to_the_runtimes_longest_allowed_work()
    {
        var a = await _factory.CreateAsync();
        var b = await _factory.CreateAsync();
        var thread = new string('x', 4096);
        var agent = new GatedAgent(1);
        await using var run = (await a.RunAsync(TestAgents.Request(thread, "r1", agent), Ct)).GetAsyncEnumerator(Ct);
        await run.ReadUntilAsync(e => e is TextMessageStartEvent);

        Assert.True(await b.IsRunningAsync(thread, Ct));
        Assert.Equal(StopResult.StoppedResult, await b.StopAsync(thread, null, Ct));
        Assert.IsType<RunFinishedEvent>((await run.ReadToEndAsync())[^1].Event);
        Assert.IsType<RunFinishedEvent>((await ConnectAllAsync(b, thread))[^1].Event);
    }

    private async Task<long> NotifySubscribersAsync(string thread)
    {
        await using var admin = await redis.ConnectAsync();
        var channel = new RedisThreadKeys("copilot:", thread).Notify.ToString();
        long count = 0;
        foreach (var server in RedisClusterFixture.Masters(admin)) // a cluster node counts its own subscribers only
        {
            count += (long)((RedisResult[])(await server.ExecuteAsync("PUBSUB", "NUMSUB", channel))!)[1];
        }
        return count;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    private static void AssertValidHistory(List<RunnerEvent> replay, params string[] runIds)
    {
        Assert.Equal(runIds, replay.Select(e => e.Event).OfType<RunStartedEvent>().Select(s => s.RunId));
        var verifier = new EventVerifier();
        foreach (var e in replay)
        {
            verifier.Verify(e.Event);
        }
        Assert.True(replay[^1].Event is RunFinishedEvent or RunErrorEvent);
    }
}
