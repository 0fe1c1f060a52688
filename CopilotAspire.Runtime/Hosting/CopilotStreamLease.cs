namespace CopilotAspire.Runtime.Hosting;

/// <summary>A run or connect stream counted open by <see cref="CopilotRuntimeDrain.Open"/> until it is disposed.</summary>
public sealed class CopilotStreamLease : IDisposable
{
    private readonly CopilotRuntimeDrain _drain;
    private readonly CancellationTokenSource _linked;
    private int _disposed;

    internal CopilotStreamLease(CopilotRuntimeDrain drain, CancellationToken requestAborted)
    {
        _drain = drain;
        _linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, drain.StreamsClosing);
    }

    /// <summary>Cancelled when the request is aborted or a shutdown closes the streams.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>A shutdown has closed the streams: the stream ends quietly, without an error.</summary>
    public bool Closed => _drain.StreamsClosing.IsCancellationRequested;

    /// <summary>
    /// Counts the stream closed (once, however often it is called), so a drain waiting for the open streams can finish.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _linked.Dispose();
            _drain.OnStreamClosed();
        }
    }
}
