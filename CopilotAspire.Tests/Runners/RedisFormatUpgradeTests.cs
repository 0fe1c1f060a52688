using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Redis;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CopilotAspire.Tests.Runners;

/// <summary>
/// Rolling upgrades: a replica of this version reads what the version before it wrote. Each test loads a fixture of
/// Redis commands captured from an earlier version's runner (<see cref="RedisFormatFixture"/>) into a real
/// redis-server and has today's runner replay, resume, tail and close the runs it holds. Fixtures: <c>18a4eee</c>
/// (stream entries with a field per event), <c>1243a58</c> (a field per batch, events one per line, no version).
/// </summary>
[Kind(TestKind.Process)]
public sealed class RedisFormatUpgradeTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private const string Now = "now:";

    private readonly RedisRunnerFactory _factory = new(redis);
    private ConnectionMultiplexer _admin = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IDatabase Db => _admin.GetDatabase();

    public async ValueTask InitializeAsync()
    {
        _admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true"); // FLUSHDB: each test loads its fixture into an empty database
        await _admin.GetServer(_admin.GetEndPoints()[0]).FlushDatabaseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _admin.DisposeAsync();
    }

    public static TheoryData<string> Fixtures => ["18a4eee", "1243a58"];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Finished_runs_an_old_version_stored_replay_and_resume_as_the_same_runs_written_today(string commit)
    {
        await RedisFormatFixture.ApplyAsync(Db, RedisFormatFixture.Load(commit).Phase1);
        var old = await _factory.CreateAsync(o => o.KeyPrefix = RedisFormatFixture.KeyPrefix);
        var today = await _factory.CreateAsync(o => o.KeyPrefix = Now);
        await (await today.RunAsync(TestAgents.Request("fx-done", "r1", FixtureAgent(), User("u1")), Ct)).ReadAllAsync(Ct);
        await (await today.RunAsync(TestAgents.Request("fx-done", "r2", FixtureAgent(), User("u1"), User("u2")), Ct)).ReadAllAsync(Ct);

        var replay = await ConnectAllAsync(old, "fx-done");
        Assert.Equal(["r1", "r2"], replay.Select(e => e.Event).OfType<RunStartedEvent>().Select(s => s.RunId));
        AssertValid(replay);
        Assert.Equal(Framed(await ConnectAllAsync(today, "fx-done")), Framed(replay));

        // Inside run 2, from its raw stream (kept for the resume window): the rest as it was emitted.
        var resumed = await ConnectAllAsync(old, "fx-done", "2.3");
        Assert.Equal(Enumerable.Range(4, 10).Select(i => $"2.{i}"), resumed.Select(e => e.Id));
        Assert.Equal(Framed(await ConnectAllAsync(today, "fx-done", "2.3")), Framed(resumed));

        // The thread goes on: run 3 numbered after the old ones, its input filtered by the message ids they stored.
        var run3 = await (await old.RunAsync(TestAgents.Request("fx-done", "r3", FixtureAgent(), User("u1"), User("u2"), User("u3")), Ct)).ReadAllAsync(Ct);
        Assert.Equal(["u3"], Assert.IsType<RunStartedEvent>(run3[0].Event).Input!.Messages.Select(m => m.Id));
        Assert.Equal("3.1", run3[0].Id);
        var all = await ConnectAllAsync(old, "fx-done");
        Assert.Equal(["r1", "r2", "r3"], all.Select(e => e.Event).OfType<RunStartedEvent>().Select(s => s.RunId));
        AssertValid(all);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task A_run_an_old_replica_is_streaming_is_tailed_by_a_new_replica_to_its_end(string commit)
    {
        var fixture = RedisFormatFixture.Load(commit);
        await RedisFormatFixture.ApplyAsync(Db, fixture.Phase1);
        var runner = await _factory.CreateAsync(o => o.KeyPrefix = RedisFormatFixture.KeyPrefix);
        Assert.True(await runner.IsRunningAsync("fx-live", Ct));

        await using var tail = (await runner.ConnectAsync(Connect("fx-live"), Ct)).GetAsyncEnumerator(Ct);
        var seen = await tail.ReadUntilAsync(e => e is TextMessageContentEvent { Delta: " t2" });
        await RedisFormatFixture.ApplyAsync(Db, fixture.Phase2); // the old replica writes the rest and finishes
        seen.AddRange(await tail.ReadToEndAsync());

        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"1.{i}"), seen.Select(e => e.Id));
        Assert.Equal(["t0", " t1", " t2", " t3", " t4", " t5"], seen.Select(e => e.Event).OfType<TextMessageContentEvent>().Select(e => e.Delta));
        AssertValid(seen);
        Assert.False(await runner.IsRunningAsync("fx-live", Ct));
        Assert.Equal(Enumerable.Range(5, 6).Select(i => $"1.{i}"), (await ConnectAllAsync(runner, "fx-live", "1.4")).Select(e => e.Id));
        Assert.Equal(EventCompactor.Compact(seen.Select(e => e.Event)).Json(), (await ConnectAllAsync(runner, "fx-live")).Json());
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task A_run_whose_old_replica_died_is_closed_by_a_new_replica(string commit)
    {
        await RedisFormatFixture.ApplyAsync(Db, RedisFormatFixture.Load(commit).Phase1);
        var runner = await _factory.CreateAsync(o => o.KeyPrefix = RedisFormatFixture.KeyPrefix);
        Assert.True(await Db.KeyDeleteAsync("fx:{t:fx-orphan}:lock")); // its lock expiring, as it would once its replica is gone

        var replay = await ConnectAllAsync(runner, "fx-orphan");

        AssertValid(replay);
        Assert.Equal(["Working"], replay.Select(e => e.Event).OfType<TextMessageContentEvent>().Select(e => e.Delta));
        Assert.Equal(RedisAgentRunner.InterruptedCode, Assert.IsType<RunErrorEvent>(replay[^1].Event).Code);
        var next = await (await runner.RunAsync(TestAgents.Request("fx-orphan", "r2", FixtureAgent(), User("u1")), Ct)).ReadAllAsync(Ct);
        Assert.Equal("2.1", next[0].Id);
        Assert.IsType<RunFinishedEvent>(next[^1].Event);
    }

    [Fact]
    public async Task Stream_entries_and_stored_runs_are_written_with_their_format_version()
    {
        var runner = await _factory.CreateAsync(o => o.KeyPrefix = Now);
        var gated = new GatedAgent(2);
        await using var run = (await runner.RunAsync(TestAgents.Request("v", "r1", gated, User("u1")), Ct)).GetAsyncEnumerator(Ct);
        await run.ReadUntilAsync(e => e is TextMessageStartEvent);
        gated.Release(2);
        await run.ReadToEndAsync();

        var keys = new RedisThreadKeys(Now, new ThreadKey("v"));
        var stored = (string)(await Db.ListGetByIndexAsync(keys.Runs, 0))!;
        Assert.StartsWith("""{"v":2,"seq":1,""", stored, StringComparison.Ordinal);
        var fields = (await Db.StreamRangeAsync(keys.Run(1))).SelectMany(e => e.Values).Select(v => (string)v.Name!).ToList();
        Assert.NotEmpty(fields);
        Assert.All(fields, name => Assert.Matches("^2:[0-9]+$", name));
    }

    [Fact]
    public async Task A_thread_stored_in_a_newer_format_is_refused_with_503_and_left_as_it_is()
    {
        var runner = await _factory.CreateAsync(o => o.KeyPrefix = Now);
        var keys = new RedisThreadKeys(Now, new ThreadKey("future"));
        const string Future = """{"v":3,"seq":1,"runId":"r1","agentId":"test","events":[]}""";
        await Db.ListRightPushAsync(keys.Runs, Future);

        await Assert.ThrowsAsync<RunnerUnavailableException>(async () => await runner.ConnectAsync(Connect("future"), Ct));
        Assert.Equal([Future], (await Db.ListRangeAsync(keys.Runs)).Select(v => (string)v!));
    }

    [Fact]
    public async Task A_tail_that_meets_a_stream_entry_in_a_newer_format_ends_instead_of_misreading_it()
    {
        var runner = await _factory.CreateAsync(o => o.KeyPrefix = Now);
        var keys = new RedisThreadKeys(Now, new ThreadKey("future-tail"));
        await Db.HashSetAsync(keys.Active, [new("seq", 1), new("token", "t"), new("status", "running")]);
        await Db.StringSetAsync(keys.Lock, "t");
        await Db.StreamAddAsync(keys.Run(1), "3:1", """{"type":"RUN_STARTED","threadId":"future-tail","runId":"r1"}""", "0-1");

        Assert.Empty(await ConnectAllAsync(runner, "future-tail"));
        Assert.Equal(1, await Db.StreamLengthAsync(keys.Run(1)));
        Assert.True(await runner.IsRunningAsync("future-tail", Ct));
    }

    [Theory]
    [InlineData("17", true, 17, 1)]
    [InlineData("2:17", true, 17, 2)]
    [InlineData("1:5", true, 5, 1)]
    [InlineData("3:17", false, 0, 3)]
    [InlineData("x:1", false, 0, -1)]
    [InlineData("", false, 0, 1)]
    public void Stream_field_names_of_formats_1_and_2_are_read_and_newer_ones_refused(string name, bool readable, long first, int version)
    {
        Assert.Equal(readable, RedisEventBatch.TryReadFieldName(name, out var index, out var format));
        Assert.Equal(version, format);
        if (readable)
        {
            Assert.Equal(first, index);
        }
    }

    private static Message User(string id) => Message.User(id, "text of " + id);

    private static AgentConnectRequest Connect(string threadId, string? lastEventId = null) => new(threadId, "test", new Dictionary<string, string>(), lastEventId);

    private static async Task<List<RunnerEvent>> ConnectAllAsync(AgentRunner runner, string threadId, string? lastEventId = null) =>
        await (await runner.ConnectAsync(Connect(threadId, lastEventId), Ct)).ReadAllAsync(Ct);

    /// <summary>Each event as its SSE frame would carry it: id and JSON.</summary>
    private static List<string> Framed(List<RunnerEvent> events) => [.. events.Select(e => e.Id + " " + AgUiJson.Serialize(e.Event))];

    private static void AssertValid(List<RunnerEvent> events)
    {
        var verifier = new EventVerifier();
        foreach (var e in events)
        {
            verifier.Verify(e.Event);
        }
        Assert.True(events[^1].Event is RunFinishedEvent or RunErrorEvent);
    }

    /// <summary>The agent of the fixture's finished runs (eng/capture-redis-format-fixture.sh's FixedAgent), event for event.</summary>
    private static AbstractAgent FixtureAgent() => TestAgents.Fixed(" wörld");
}
