using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Redis;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Tests.Runners;

/// <summary>
/// Resharding a Redis Cluster while runs stream: the hash slot of each active thread moves to another master, twice,
/// while its agent emits events and another replica tails it; halfway through each move (the run's stream already on
/// the new node, its lock still on the old) the run writes, is refused with TRYAGAIN and retries. Nothing
/// acknowledged is lost: every run's stream, every tail (resumed with <c>Last-Event-ID</c> whenever it ended early
/// or was refused with 503, as a client does), and every replay afterwards hold all the events, in order, once.
/// </summary>
[Kind(TestKind.Process)]
public sealed class RedisClusterSlotMigrationTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>, IAsyncDisposable
{
    private const int Threads = 4;
    private const int RoundsOfMigration = 2;

    private readonly RedisRunnerFactory _factory = new(cluster);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task Moving_the_slots_of_streaming_threads_loses_no_event_and_tails_resume()
    {
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var writer = await _factory.CreateAsync(logger: loggers.CreateLogger<RedisAgentRunner>());
        var reader = await _factory.CreateAsync();
        await using var admin = await cluster.ConnectAsync();
        var streaming = await StreamingThreads.StartAsync(writer, reader, Threads, Ct);
        var (threads, own) = (streaming.Threads, streaming.Own);

        var moves = 0;
        var refusedConnects = 0;
        for (var round = 0; round < RoundsOfMigration; round++)
        {
            for (var i = 0; i < Threads; i++)
            {
                var keys = new RedisThreadKeys("copilot:", threads[i]);
                var thread = threads[i];
                await cluster.MigrateSlotAsync(admin, admin.HashSlot(keys.Lock), [keys.Run(1).ToString()], async () =>
                {
                    // The run's stream is on the new node, its lock and state still on the old one: its next write
                    // is refused (TRYAGAIN) and retried until the slot has moved.
                    var earlier = new HashSet<LogEntry>(logs.Entries, ReferenceEqualityComparer.Instance);
                    var refused = logs.WaitForAsync(e => !earlier.Contains(e) && e.Message.Contains(thread, StringComparison.Ordinal) && e.Exception?.Message.Contains("TRYAGAIN", StringComparison.Ordinal) == true, Ct);
                    await streaming.SendTokenAsync();
                    await refused.WaitAsync(TimeSpan.FromSeconds(30), Ct);
                    // A connect meanwhile (its snapshot reads several keys of the slot at once) is served or refused
                    // with 503 for the client to retry: never another failure.
                    try
                    {
                        await using var probe = (await reader.ConnectAsync(new AgentConnectRequest(thread, "test", new Dictionary<string, string>(), "1.1"), Ct)).GetAsyncEnumerator(Ct);
                        Assert.True(await probe.MoveNextAsync());
                        Assert.Equal("1.2", probe.Current.Id);
                    }
                    catch (RunnerUnavailableException)
                    {
                        refusedConnects++;
                    }
                });
                moves++;
                await streaming.SendTokenAsync();
            }
        }
        await streaming.FinishAsync();
        var tokens = streaming.Tokens;

        var replica = await _factory.CreateAsync(); // a replica that saw none of it
        for (var i = 0; i < Threads; i++)
        {
            Assert.Equal(Enumerable.Range(1, tokens + 4).Select(k => $"1.{k}"), own[i].Select(e => e.Id));
            Assert.IsType<RunFinishedEvent>(own[i][^1].Event);
            var (tail, resumes) = await streaming.Tails[i];
            TestContext.Current.TestOutputHelper?.WriteLine($"{threads[i]}: {tokens} tokens, {moves} slot moves, tail resumed {resumes} times");
            Assert.Equal(TailingClient.Framed(own[i]), TailingClient.Framed(tail));
            Assert.Equal(EventCompactor.Compact(own[i].Select(e => e.Event)).Json(), (await TailingClient.ConnectAllAsync(replica, threads[i], Ct)).Json());
            var half = (tokens + 4) / 2;
            Assert.Equal(TailingClient.Framed(own[i][half..]), TailingClient.Framed(await TailingClient.ConnectAllAsync(replica, threads[i], Ct, $"1.{half}")));
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"connects refused (503) mid-move: {refusedConnects} of {moves}; writes refused and retried: {logs.Entries.Count(e => e.Exception?.Message.Contains("TRYAGAIN", StringComparison.Ordinal) == true)}");
    }
}
