using System.Threading.Channels;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;

namespace CopilotAspire.Tests.Runners;

/// <summary>
/// Runs streaming on several threads at once for the Redis Cluster tests: each run started on a writer runner with an
/// agent that emits one content event per token it is handed, each tailed on a reader runner by a resuming client;
/// <see cref="SendTokenAsync"/> hands every agent the next token and waits until each run's own client has it.
/// </summary>
public sealed class StreamingThreads
{
    private readonly List<Channel<string>> _deltas;
    private readonly List<IAsyncEnumerator<RunnerEvent>> _runs = [];
    private readonly CancellationToken _ct;

    private StreamingThreads(int count, CancellationToken ct)
    {
        _ct = ct;
        Threads = Enumerable.Range(0, count).Select(_ => "thread-" + Guid.NewGuid().ToString("N")[..12]).ToList();
        _deltas = Threads.Select(_ => Channel.CreateUnbounded<string>()).ToList();
        Own = Threads.Select(_ => new List<RunnerEvent>()).ToList();
    }

    /// <summary>The thread ids.</summary>
    public IReadOnlyList<string> Threads { get; }

    /// <summary>What each run's own client (the one that started it) has received so far.</summary>
    public IReadOnlyList<List<RunnerEvent>> Own { get; }

    /// <summary>Each thread's tail: its events to the run's end and how often it resumed.</summary>
    public IReadOnlyList<Task<(List<RunnerEvent> Events, int Resumes)>> Tails { get; private set; } = [];

    /// <summary>Tokens handed to every agent so far.</summary>
    public int Tokens { get; private set; }

    /// <summary>Starts <paramref name="count"/> runs on <paramref name="writer"/> (each up to its text message's start) and their tails on <paramref name="reader"/>.</summary>
    public static async Task<StreamingThreads> StartAsync(AgentRunner writer, AgentRunner reader, int count, CancellationToken ct)
    {
        var streaming = new StreamingThreads(count, ct);
        for (var i = 0; i < count; i++)
        {
            var channel = streaming._deltas[i].Reader;
            var run = (await writer.RunAsync(TestAgents.Request(streaming.Threads[i], "r1", new ScriptAgent((input, token) => TailingClient.Streaming(input, channel, token))), ct)).GetAsyncEnumerator(ct);
            streaming._runs.Add(run);
            streaming.Own[i].AddRange(await run.ReadUntilAsync(e => e is TextMessageStartEvent));
        }
        streaming.Tails = streaming.Threads.Select(t => Task.Run(() => TailingClient.TailWithResumesAsync(reader, t, ct), ct)).ToList();
        return streaming;
    }

    /// <summary>Hands every agent the next token and waits until each run's own client has received it.</summary>
    public async Task SendTokenAsync()
    {
        var delta = $" t{Tokens++}";
        for (var i = 0; i < _runs.Count; i++)
        {
            await _deltas[i].Writer.WriteAsync(delta, _ct);
            Own[i].AddRange(await _runs[i].ReadUntilAsync(e => e is TextMessageContentEvent c && c.Delta == delta));
        }
    }

    /// <summary>Lets every agent finish and reads each run to its end.</summary>
    public async Task FinishAsync()
    {
        for (var i = 0; i < _runs.Count; i++)
        {
            _deltas[i].Writer.Complete();
            Own[i].AddRange(await _runs[i].ReadToEndAsync());
            await _runs[i].DisposeAsync();
        }
    }
}
