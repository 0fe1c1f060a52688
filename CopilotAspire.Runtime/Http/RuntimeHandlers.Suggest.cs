using System.Runtime.CompilerServices;
using System.Threading.Channels;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Http;

/// <summary>
/// <c>POST agent/{agentId}/suggest</c> (wire spec §21): the official <c>handle-suggest</c>. The agent runs directly,
/// through the same pipeline as a run (chunk expansion, ordering rules, finalizer), but not through the runner: no
/// thread, no lock, nothing stored, nothing another request can connect to or stop. Only the allowed headers reach
/// the agent; a client that goes away cancels the agent's work.
/// </summary>
internal sealed partial class RuntimeHandlers
{
    /// <summary>Events the agent may get ahead of a slow client before it waits.</summary>
    private const int SuggestBufferedEvents = 64;

    public async Task<IResult> SuggestAsync(HttpContext context, string agentId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var (clone, input, failure) = await runtime.PrepareRunAsync(context, agentId, "agent/suggest", body, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }
        LogSuggestStarted(logger, agentId, input!.ThreadId, input.RunId);
        return runtime.EventStream(SuggestEventsAsync(new AgentRunExecution(clone!, input, logger), CancellationToken.None));
    }

    /// <summary>
    /// The execution's events, read as the response writes them. When the response ends early (the client went away,
    /// the server drains), the agent is stopped and what it still produces is discarded, so the run never outlives
    /// its request.
    /// </summary>
    private static async IAsyncEnumerable<RunnerEvent> SuggestEventsAsync(AgentRunExecution execution, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<AgUiEvent>(new BoundedChannelOptions(SuggestBufferedEvents) { SingleReader = true, SingleWriter = true });
        var running = Task.Run(async () =>
        {
            try
            {
                await execution.ExecuteAsync(e => channel.Writer.WriteAsync(e, CancellationToken.None));
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        }, CancellationToken.None);
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken))
            {
                while (channel.Reader.TryRead(out var e))
                {
                    yield return new RunnerEvent(e);
                }
            }
        }
        finally
        {
            if (!running.IsCompleted)
            {
                execution.RequestStop();
                // Discard what the stopping agent still writes, so a full buffer cannot hold it.
                while (await channel.Reader.WaitToReadAsync(CancellationToken.None))
                {
                    while (channel.Reader.TryRead(out _))
                    {
                    }
                }
            }
            await running;
            execution.Dispose();
        }
    }

    [LoggerMessage(EventId = 2700, Level = LogLevel.Debug, Message = "Suggestion run of agent {AgentId} on thread {ThreadId} ({RunId}) started; it is not stored")]
    private static partial void LogSuggestStarted(ILogger logger, string agentId, string threadId, string runId);
}
