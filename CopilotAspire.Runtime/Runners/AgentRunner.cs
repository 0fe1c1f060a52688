namespace CopilotAspire.Runtime.Runners;

/// <summary>
/// Runs agents and keeps each thread's history. One active run per thread; <c>connect</c> replays a thread
/// and tails its active run; <c>stop</c> aborts it. A run outlives the request that started it.
/// </summary>
public abstract class AgentRunner
{
    /// <summary>
    /// Starts the run now (not on enumeration) and returns its events. A thread that already has an active run
    /// gets an empty stream. Enumeration may stop at any time (client gone) without affecting the run; a pending
    /// <c>MoveNextAsync</c> must end promptly when the enumeration's token is cancelled (the SSE writer waits for it
    /// before disposing the enumerator).
    /// </summary>
    /// <exception cref="RunnerUnavailableException">The runner's store cannot be reached.</exception>
    public abstract ValueTask<IAsyncEnumerable<RunnerEvent>> RunAsync(AgentRunRequest request, CancellationToken cancellationToken);

    /// <summary>The thread's compacted history, then its active run from the start, live until it ends.</summary>
    /// <exception cref="RunnerUnavailableException">The runner's store cannot be reached.</exception>
    public abstract ValueTask<IAsyncEnumerable<RunnerEvent>> ConnectAsync(AgentConnectRequest request, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="thread"/> has an active run (a plain thread id converts to an unscoped key).</summary>
    public abstract ValueTask<bool> IsRunningAsync(ThreadKey thread, CancellationToken cancellationToken);

    /// <summary>Asks the active run of <paramref name="thread"/> to stop (only if it is <paramref name="runId"/>, when given).</summary>
    public abstract ValueTask<StopResult> StopAsync(ThreadKey thread, string? runId, CancellationToken cancellationToken);

    /// <summary>Completes when no run that this instance executes is active any more (a draining server waits on it).</summary>
    public virtual Task WhenIdleAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Ends every run this instance executes with <c>RUN_ERROR {code: "RUN_INTERRUPTED"}</c>, after closing its open
    /// messages, and completes once they are stored and their streams have their terminal event (the server is
    /// shutting down and its grace period is over).
    /// </summary>
    public virtual Task InterruptRunsAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
