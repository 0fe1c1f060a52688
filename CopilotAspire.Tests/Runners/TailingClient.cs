using System.Runtime.CompilerServices;
using System.Threading.Channels;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;

namespace CopilotAspire.Tests.Runners;

/// <summary>
/// What the Redis Cluster tests (slot moves, failover) share: an agent that streams the deltas it is handed, a client's
/// tail that resumes as a browser does, and the reads that compare what each side saw.
/// </summary>
public static class TailingClient
{
    /// <summary>A client's tail of a thread's run: connect, and on an early end or a 503 connect again after the last id seen.</summary>
    public static async Task<(List<RunnerEvent> Events, int Resumes)> TailWithResumesAsync(AgentRunner runner, string thread, CancellationToken ct)
    {
        var events = new List<RunnerEvent>();
        for (var resumes = 0; resumes < 1000; resumes++)
        {
            try
            {
                await foreach (var e in await runner.ConnectAsync(new AgentConnectRequest(thread, "test", new Dictionary<string, string>(), events.Count > 0 ? events[^1].Id : null), ct))
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
                // Refused (503) while the cluster changed: a client retries.
            }
            await Task.Delay(10, ct); // a client's retry backoff
        }
        throw new InvalidOperationException($"The tail of {thread} never reached the run's end ({events.Count} events).");
    }

    /// <summary>Everything a connect to <paramref name="threadId"/> returns (after <paramref name="lastEventId"/> if given).</summary>
    public static async Task<List<RunnerEvent>> ConnectAllAsync(AgentRunner runner, string threadId, CancellationToken ct, string? lastEventId = null) =>
        await (await runner.ConnectAsync(new AgentConnectRequest(threadId, "test", new Dictionary<string, string>(), lastEventId), ct)).ReadAllAsync(ct);

    /// <summary>Each event as its SSE id and JSON, for comparing streams.</summary>
    public static List<string> Framed(IEnumerable<RunnerEvent> events) => [.. events.Select(e => e.Id + " " + AgUiJson.Serialize(e.Event))];

    /// <summary>An agent's events: started, a text message with one content event per delta read, finished.</summary>
    public static async IAsyncEnumerable<AgUiEvent> Streaming(RunAgentInput input, ChannelReader<string> deltas, [EnumeratorCancellation] CancellationToken ct)
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
