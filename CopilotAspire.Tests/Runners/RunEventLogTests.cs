using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;

namespace CopilotAspire.Tests.Runners;

/// <summary>
/// The active run's event log: readers that join before, during or after the appends each get every event once, in
/// order, across many chunks of storage, and end when the run completes.
/// </summary>
[Kind(TestKind.Fast)]
public sealed class RunEventLogTests
{
    private static TextMessageContentEvent Event(int i) => new() { MessageId = "m", Delta = i.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private static async Task<List<string>> ReadAllAsync(RunEventLog log, int start = 0, CancellationToken cancellationToken = default)
    {
        var seen = new List<string>();
        await foreach (var e in log.ReadAsync(start, cancellationToken))
        {
            seen.Add(((TextMessageContentEvent)e.Event).Delta);
        }
        return seen;
    }

    [Fact]
    public async Task Readers_joining_before_during_and_after_the_appends_each_get_every_event_in_order()
    {
        const int count = 5_000; // many chunks, and the chunk table regrown several times
        var log = new RunEventLog();
        var early = Task.Run(() => ReadAllAsync(log), TestContext.Current.CancellationToken);
        var readers = new List<Task<List<string>>> { early };
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                log.Append(Event(i), i % 2 == 0 ? new byte[] { (byte)i } : default);
                if (i % 997 == 0)
                {
                    readers.Add(Task.Run(() => ReadAllAsync(log), TestContext.Current.CancellationToken));
                    await Task.Yield(); // lets readers catch up and wait, so appends must wake them
                }
            }
            log.Complete();
        }, TestContext.Current.CancellationToken);
        await writer.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        readers.Add(ReadAllAsync(log, 0, TestContext.Current.CancellationToken));
        var expected = Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var reader in readers)
        {
            Assert.Equal(expected, await reader.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        }
        Assert.Equal(count, log.Snapshot().Count);
    }

    [Fact]
    public async Task An_event_keeps_the_json_it_was_appended_with()
    {
        var log = new RunEventLog();
        log.Append(Event(0), new byte[] { 1, 2, 3 });
        log.Append(Event(1));
        log.Append(Event(2));
        log.Complete();
        var events = new List<RunnerEvent>();
        await foreach (var e in log.ReadAsync(0, TestContext.Current.CancellationToken))
        {
            events.Add(e);
        }
        Assert.Equal([1, 2, 3], events[0].Json.ToArray());
        Assert.True(events[1].Json.IsEmpty);
        Assert.All(events, e => Assert.Null(e.Id));
        var copied = new List<RunnerEvent>();
        Assert.Equal(2, log.CopyTo(1, 5, copied));
        Assert.Equal([1, 2, 3], log.JsonAt(0).ToArray());
        Assert.Equal(3, log.Count);
    }

    [Fact]
    public async Task A_reader_from_an_index_gets_the_rest_and_a_cancelled_waiting_reader_stops()
    {
        var log = new RunEventLog();
        for (var i = 0; i < 130; i++)
        {
            log.Append(Event(i));
        }
        using var cts = new CancellationTokenSource();
        var waiting = ReadAllAsync(log, 0, cts.Token);
        var fromMiddle = ReadAllAsync(log, 100, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        log.Complete();
        Assert.Equal(Enumerable.Range(100, 30).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), await fromMiddle.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Throws<InvalidOperationException>(() => log.Append(Event(0)));
    }

    [Fact]
    public async Task The_enumeration_token_stops_a_waiting_reader_and_each_enumeration_reads_from_its_start()
    {
        var log = new RunEventLog();
        log.Append(Event(0));
        log.Append(Event(1));
        var events = log.ReadAsync(1, TestContext.Current.CancellationToken);
        using var cts = new CancellationTokenSource();
        async Task<List<string>> Enumerate(CancellationToken token)
        {
            var seen = new List<string>();
            await foreach (var e in events.WithCancellation(token))
            {
                seen.Add(((TextMessageContentEvent)e.Event).Delta);
            }
            return seen;
        }
        var waiting = Enumerate(cts.Token); // both tokens: linked
        var second = Enumerate(TestContext.Current.CancellationToken); // the same enumerable again, from index 1 too
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.False(second.IsCompleted);
        log.Append(Event(2));
        log.Complete();
        Assert.Equal(["1", "2"], await second.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_log_with_an_id_prefix_numbers_its_events_from_one()
    {
        var log = new RunEventLog("7.");
        for (var i = 0; i < 70; i++)
        {
            log.Append(Event(i));
        }
        log.Complete();
        var ids = new List<string?>();
        await foreach (var e in log.ReadAsync(0, TestContext.Current.CancellationToken))
        {
            ids.Add(e.Id);
        }
        Assert.Equal(Enumerable.Range(1, 70).Select(k => "7." + k.ToString(System.Globalization.CultureInfo.InvariantCulture)), ids);
        var copied = new List<RunnerEvent>();
        log.CopyTo(64, 1, copied);
        Assert.Equal("7.65", copied[0].Id);
        Assert.Equal("x", (copied[0] with { Id = "x" }).Id);
    }
}
