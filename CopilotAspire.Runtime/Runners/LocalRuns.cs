using System.Collections.Concurrent;
using CopilotAspire.Runtime.Pipeline;
using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Runners;

/// <summary>
/// The runs a runner executes in this process, each with the task that ends once the run is stored and its event log
/// completed. A draining runtime waits on them (<see cref="WhenIdleAsync"/>), then ends the rest as interrupted
/// (<see cref="InterruptAsync"/>).
/// </summary>
public sealed class LocalRuns
{
    private readonly ConcurrentDictionary<AgentRunExecution, Task> _runs = new();

    /// <summary>Runs executing now.</summary>
    public int Count => _runs.Count;

    /// <summary>Tracks <paramref name="execution"/> until <paramref name="completion"/> ends.</summary>
    public void Track(AgentRunExecution execution, Task completion)
    {
        ArgumentNullException.ThrowIfNull(execution);
        ArgumentNullException.ThrowIfNull(completion);
        if (completion.IsCompleted)
        {
            return; // ran to its end already (an agent that never waited)
        }
        _runs[execution] = completion;
        completion.ContinueWith(_ => _runs.TryRemove(execution, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Completes when no run is executing (runs admitted meanwhile are waited for too).</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (!_runs.IsEmpty)
        {
            await Task.WhenAll(_runs.Values).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Ends every run with <c>RUN_ERROR {code: RUN_INTERRUPTED}</c> after closing its open messages and tool calls
    /// (<see cref="RunFinalizer"/>, the closing a run whose replica died gets), then waits until they are stored.
    /// </summary>
    public Task InterruptAsync(CancellationToken cancellationToken)
    {
        foreach (var execution in _runs.Keys)
        {
            execution.Abort(RunErrorCodes.RunInterruptedMessage, RunErrorCodes.RunInterrupted);
        }
        return WhenIdleAsync(cancellationToken);
    }
}
