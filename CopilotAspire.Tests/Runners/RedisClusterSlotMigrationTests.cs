using System.Runtime.CompilerServices;
using System.Threading.Channels;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Redis;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Runners;

/// <summary>
/// Resharding a Redis Cluster while runs stream: the hash slots of the active threads move from master to master,
/// again and again, while their agents emit events and another replica tails them. Nothing acknowledged is lost:
/// every run's stream, every tail (resumed with <c>Last-Event-ID</c> whenever it ended early or was refused with
/// 503, as a client does), and every replay afterwards hold all the events, in order, once.
/// </summary>
public sealed class RedisClusterSlotMigrationTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>, IAsyncDisposable
{
    private const int Threads = 4;
    private const int RoundsOfMigration = 3;

    private readonly RedisRunnerFactory _factory = new(cluster);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task Moving_the_slots_of_streaming_threads_loses_no_event_and_tails_resume()
    {
        var writer = await _factory.CreateAsync();
        var reader = await _factory.CreateAsync();
        await using var admin = await cluster.ConnectAsync();
        var threads = Enumerable.Range(0, Threads).Select(_ => "thread-" + Guid.NewGuid().ToString("N")[..12]).ToList();
        var deltas = threads.Select(_ => Channel.CreateUnbounded<string>()).ToList();
        var runs = new List<IAsyncEnumerator<RunnerEvent>>();
        var own = threads.Select(_ => new List<RunnerEvent>()).ToList();
        for (var i = 0; i < Threads; i++)
        {
            var channel = deltas[i].Reader;
            runs.Add((await writer.RunAsync(TestAgents.Request(threads[i], "r1", new ScriptAgent((input, ct) => Streaming(input, channel, ct))), Ct)).GetAsyncEnumerator(Ct));
            own[i].AddRange(await runs[i].ReadUntilAsync(e => e is TextMessageStartEvent));
        }
        var tails = threads.Select(t => Task.Run(() => TailWithResumesAsync(reader, t), Ct)).ToList();

        var slots = threads.Select(t => admin.HashSlot(new RedisThreadKeys("copilot:", t).Lock)).Distinct().ToList();
        var migrations = 0;
        using var stop = new CancellationTokenSource();
        var resharding = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var slot in slots)
                {
                    await cluster.MigrateSlotAsync(admin, slot);
                    Interlocked.Increment(ref migrations);
                }
            }
        }, Ct);
        // Tokens flow while the slots move: each goes to every run, and is read back from the run's own stream
        // (so the runs keep writing to Redis for as long as the resharding lasts).
        var tokens = 0;
        while ((Volatile.Read(ref migrations) < slots.Count * RoundsOfMigration || tokens < 20) && !resharding.IsCompleted)
        {
            var delta = $" t{tokens++}";
            for (var i = 0; i < Threads; i++)
            {
                await deltas[i].Writer.WriteAsync(delta, Ct);
                own[i].AddRange(await runs[i].ReadUntilAsync(e => e is TextMessageContentEvent c && c.Delta == delta));
            }
        }
        await stop.CancelAsync();
        await resharding;
        for (var i = 0; i < Threads; i++)
        {
            deltas[i].Writer.Complete();
            own[i].AddRange(await runs[i].ReadToEndAsync());
            await runs[i].DisposeAsync();
        }

        var replica = await _factory.CreateAsync(); // a replica that saw none of it
        for (var i = 0; i < Threads; i++)
        {
            Assert.Equal(Enumerable.Range(1, tokens + 4).Select(k => $"1.{k}"), own[i].Select(e => e.Id));
            Assert.IsType<RunFinishedEvent>(own[i][^1].Event);
            var (tail, resumes) = await tails[i];
            TestContext.Current.TestOutputHelper?.WriteLine($"{threads[i]}: {tokens} tokens, {migrations} slot moves, tail resumed {resumes} times");
            Assert.Equal(Framed(own[i]), Framed(tail));
            Assert.Equal(EventCompactor.Compact(own[i].Select(e => e.Event)).Json(), (await ConnectAllAsync(replica, threads[i])).Json());
            var half = (tokens + 4) / 2;
            Assert.Equal(Framed(own[i][half..]), Framed(await ConnectAllAsync(replica, threads[i], $"1.{half}")));
        }
        Assert.True(migrations >= slots.Count * RoundsOfMigration);
    }

    /// <summary>A client's tail of a thread's run: connect, and on an early end or a 503 connect again after the last id seen.</summary>
    private static async Task<(List<RunnerEvent> Events, int Resumes)> TailWithResumesAsync(AgentRunner runner, string thread)
    {
        var events = new List<RunnerEvent>();
        for (var resumes = 0; resumes < 1000; resumes++)
        {
            try
            {
                await foreach (var e in await runner.ConnectAsync(new AgentConnectRequest(thread, "test", new Dictionary<string, string>(), events.Count > 0 ? events[^1].Id : null), Ct))
                {
                    events.Add(e);
                    if (e.Event is RunFinishedEvent or RunErrorEvent)
                    {
                        return (events, resumes);
                    }
                }
            }
            catch (RunnerUnavailableException)
            {
                // Refused (503) while the slot moved: a client retries.
            }
            await Task.Delay(10, Ct); // a client's retry backoff
        }
        throw new InvalidOperationException($"The tail of {thread} never reached the run's end ({events.Count} events).");
    }

    private static async Task<List<RunnerEvent>> ConnectAllAsync(AgentRunner runner, string threadId, string? lastEventId = null) =>
        await (await runner.ConnectAsync(new AgentConnectRequest(threadId, "test", new Dictionary<string, string>(), lastEventId), Ct)).ReadAllAsync(Ct);

    private static List<string> Framed(IEnumerable<RunnerEvent> events) => [.. events.Select(e => e.Id + " " + AgUiJson.Serialize(e.Event))];

    private static async IAsyncEnumerable<AgUiEvent> Streaming(RunAgentInput input, ChannelReader<string> deltas, [EnumeratorCancellation] CancellationToken ct)
    {
        var id = input.RunId + "-text";
        yield return new RunStartedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
        yield return new TextMessageStartEvent { MessageId = id };
        await foreach (var delta in deltas.ReadAllAsync(ct))
        {
            yield return new TextMessageContentEvent { MessageId = id, Delta = delta };
        }
        yield return new TextMessageEndEvent { MessageId = id };
        yield return new RunFinishedEvent { ThreadId = input.ThreadId, RunId = input.RunId };
    }
}
