namespace CopilotAspire.Runtime.Redis;

/// <summary>An auto-reset wake-up: <see cref="Set"/> from any thread, one waiter awaits it.</summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set() => Volatile.Read(ref _tcs).TrySetResult();

    /// <summary>Waits for a <see cref="Set"/> (one since the last wait counts); <see langword="false"/> on timeout.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var tcs = Volatile.Read(ref _tcs);
        try
        {
            await tcs.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return false;
        }
        // Reset before the caller reads, so a Set that races with the read wakes the next wait.
        Interlocked.CompareExchange(ref _tcs, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), tcs);
        return true;
    }
}
