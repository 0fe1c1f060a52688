using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Redis;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Runners;

/// <summary>
/// A Redis Cluster with one replica per master, failing over while runs stream: every master that serves an active
/// thread is replaced by its replica (<c>CLUSTER FAILOVER</c> sent to the replica), one after the other, while the
/// agents emit events and another runner tails each thread (resuming with <c>Last-Event-ID</c> when a tail ends early
/// or is refused with 503, as a client does). The graceful form keeps everything: each run's own stream, each tail and
/// every replay afterwards hold all the events, in order, once. <c>TAKEOVER</c> (the replica promotes itself without
/// its master) can drop what the master acknowledged but had not yet replicated; the test reports how far behind each
/// replica was and what, if anything, a tail saw that the store no longer has. The runs themselves still finish and
/// the stored result (written at the end, after the takeover) is complete.
/// </summary>
/// <remarks>
/// Each form has its own cluster (<see cref="RedisClusterTakeoverTests"/> runs the TAKEOVER form): seen here, a
/// graceful failover of a master that had itself come in by TAKEOVER did not complete within 30 s.
/// </remarks>
[Kind(TestKind.Process)]
public class RedisClusterFailoverTests(RedisReplicatedClusterFixture cluster) : IClassFixture<RedisReplicatedClusterFixture>, IAsyncDisposable
{
    private const int Threads = 4;

    private readonly RedisRunnerFactory _factory = new(cluster);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>False here: the graceful form (<c>CLUSTER FAILOVER</c>).</summary>
    protected virtual bool Takeover => false;

    [Fact]
    public async Task Promoting_replicas_while_threads_stream_keeps_every_event()
    {
        var takeover = Takeover;
        var writer = await _factory.CreateAsync();
        var reader = await _factory.CreateAsync();
        await using var admin = await cluster.ConnectAsync();
        var streaming = await StreamingThreads.StartAsync(writer, reader, Threads, Ct);
        await streaming.SendTokenAsync();
        var masters = new List<int>();
        foreach (var thread in streaming.Threads)
        {
            var owner = await cluster.OwnerOfAsync(admin, admin.HashSlot(new RedisThreadKeys("copilot:", thread).Lock));
            if (!masters.Contains(owner))
            {
                masters.Add(owner);
            }
        }
        var lags = new List<long>();
        foreach (var master in masters)
        {
            // Tokens written right before the failover are the ones a lagging replica may not have.
            await streaming.SendTokenAsync();
            var failover = await cluster.FailOverAsync(admin, master, takeover);
            lags.Add(failover.ReplicationLagBytes);
            await streaming.SendTokenAsync();
        }
        await streaming.FinishAsync();

        var replica = await _factory.CreateAsync(); // a runner that saw none of it
        var log = TestContext.Current.TestOutputHelper;
        log?.WriteLine($"{(takeover ? "TAKEOVER" : "graceful")}: {masters.Count} failovers, {streaming.Tokens} tokens per thread, replica lag when told (bytes): {string.Join(", ", lags)}");
        var (threads, own, tokens) = (streaming.Threads, streaming.Own, streaming.Tokens);
        for (var i = 0; i < Threads; i++)
        {
            // The run's own client gets every event whatever Redis does.
            Assert.Equal(Enumerable.Range(1, tokens + 4).Select(k => $"1.{k}"), own[i].Select(e => e.Id));
            Assert.IsType<RunFinishedEvent>(own[i][^1].Event);
            var (tail, resumes) = await streaming.Tails[i];
            var fromStream = await TailingClient.ConnectAllAsync(replica, threads[i], Ct, "1.1");
            var lost = TailingClient.Framed(tail[1..]).Except(TailingClient.Framed(fromStream)).Count(); // after RUN_STARTED (1.1)
            log?.WriteLine($"{threads[i]}: tail resumed {resumes} times; events a tail saw that the run's stream lost: {lost}");
            // The stored run is written when the run finishes (after every failover): a later replay is complete.
            Assert.Equal(EventCompactor.Compact(own[i].Select(e => e.Event)).Json(), (await TailingClient.ConnectAllAsync(replica, threads[i], Ct)).Json());
            if (!takeover)
            {
                Assert.Equal(TailingClient.Framed(own[i]), TailingClient.Framed(tail));
                Assert.Equal(TailingClient.Framed(own[i][1..]), TailingClient.Framed(fromStream));
            }
        }
    }
}
