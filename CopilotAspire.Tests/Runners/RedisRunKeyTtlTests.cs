using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Redis;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Tests.Infrastructure;
using StackExchange.Redis;

namespace CopilotAspire.Tests.Runners;

/// <summary>
/// The runner renews keys per call, not per command (a batch renews the lock; the stream gets its expiry with its first
/// entry; the finish renews the history): whatever path a run takes, no key it leaves is without an expiry.
/// </summary>
[Kind(TestKind.Process)]
public sealed class RedisRunKeyTtlTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncDisposable
{
    private readonly RedisRunnerFactory _factory = new(redis);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_run_written_batch_by_batch_and_the_runs_after_it_leave_no_key_without_an_expiry()
    {
        var prefix = "ttl-" + Guid.NewGuid().ToString("N")[..8] + ":";
        var runner = await _factory.CreateAsync(o => o.KeyPrefix = prefix);
        var thread = "thread-" + Guid.NewGuid().ToString("N")[..12];
        await using var admin = await redis.ConnectAsync();

        // The agent waits between tokens: its events go to the stream in batches of their own (the append script).
        var agent = new GatedAgent(4);
        await using (var run = (await runner.RunAsync(TestAgents.Request(thread, "r1", agent, Message.User("u1", "hi")), Ct)).GetAsyncEnumerator(Ct))
        {
            await run.ReadUntilAsync(e => e is TextMessageStartEvent);
            agent.Release(2);
            await run.ReadUntilAsync(e => e is TextMessageContentEvent { Delta: " t1" });
            await WhenWrittenAsync(admin, prefix, thread, atLeast: 4);
            var running = await AssertEveryKeyExpiresAsync(admin, prefix);
            Assert.Contains(running, k => k.EndsWith(":run:1", StringComparison.Ordinal));
            Assert.Contains(running, k => k.EndsWith(":lock", StringComparison.Ordinal));
            agent.Release(2);
            await run.ReadToEndAsync();
        }

        // Two more runs: the second finds the history keys, the third one sends a message the thread holds.
        await (await runner.RunAsync(TestAgents.Request(thread, "r2", TestAgents.Fixed(), Message.User("u1", "hi"), Message.User("u2", "again")), Ct)).ReadAllAsync(Ct);
        await (await runner.RunAsync(TestAgents.Request(thread, "r3", TestAgents.Fixed(), Message.User("u2", "again")), Ct)).ReadAllAsync(Ct);

        var keys = await AssertEveryKeyExpiresAsync(admin, prefix);
        Assert.Equal(["meta", "msgs", "run:1", "run:2", "run:3", "runmsgs", "runs", "seq"],
            keys.Where(k => k.Contains("{t:", StringComparison.Ordinal)).Select(k => k[(k.IndexOf('}', StringComparison.Ordinal) + 2)..]).Order(StringComparer.Ordinal));
        var history = await (await runner.ConnectAsync(new AgentConnectRequest(thread, "test", new Dictionary<string, string>(), null), Ct)).ReadAllAsync(Ct);
        Assert.Equal(3, history.Count(e => e.Event is RunFinishedEvent));
    }

    private static async Task<List<string>> AssertEveryKeyExpiresAsync(ConnectionMultiplexer admin, string prefix)
    {
        var keys = RedisClusterFixture.Masters(admin).SelectMany(server => server.Keys(pattern: prefix + "*")).Select(k => k.ToString()).ToList();
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            var ttl = await admin.GetDatabase().KeyTimeToLiveAsync(key);
            Assert.True(ttl is { } t && t > TimeSpan.Zero, $"{key} has no expiry");
        }
        return keys;
    }

    /// <summary>Waits (on the thread's notify channel, not a clock) until the stream holds <paramref name="atLeast"/> events.</summary>
    internal static async Task WhenWrittenAsync(ConnectionMultiplexer admin, string prefix, string thread, int atLeast)
    {
        var keys = new RedisThreadKeys(prefix, new ThreadKey(thread, null));
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriber = admin.GetSubscriber();
        await subscriber.SubscribeAsync(keys.Notify, (_, _) => written.TrySetResult());
        try
        {
            while ((long)await admin.GetDatabase().HashGetAsync(keys.Active, "n") < atLeast)
            {
                await written.Task.WaitAsync(Ct);
                written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
        finally
        {
            await subscriber.UnsubscribeAsync(keys.Notify);
        }
    }
}
