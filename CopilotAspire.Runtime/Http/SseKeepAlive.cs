using System.Buffers;
using System.IO.Pipelines;

namespace CopilotAspire.Runtime.Http;

/// <summary>
/// The keep-alive of one SSE stream: one timer for the stream's life (no token source or delay per wait). The
/// stream's loop owns the writer except while it waits for its source (<see cref="Pause"/> … <see cref="ResumeAsync"/>);
/// a <c>: keep-alive</c> comment is written and flushed each time the wait reaches the interval.
/// </summary>
internal sealed class SseKeepAlive : IAsyncDisposable
{
    private readonly PipeWriter _writer;
    private readonly TimeSpan _interval;
    private readonly CancellationToken _aborted;
    private readonly SemaphoreSlim _writerLock = new(1, 1);
    private readonly ITimer _timer;
    private bool _loopHoldsWriter = true;
    private volatile bool _ended;

    public SseKeepAlive(PipeWriter writer, TimeSpan interval, TimeProvider time, CancellationToken aborted)
    {
        _writer = writer;
        _interval = interval;
        _aborted = aborted;
        _writerLock.Wait(0);
        _timer = time.CreateTimer(static s => ((SseKeepAlive)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The loop is about to wait for its source: the writer is the timer's until <see cref="ResumeAsync"/>.</summary>
    public void Pause()
    {
        _timer.Change(_interval, Timeout.InfiniteTimeSpan);
        _loopHoldsWriter = false;
        _writerLock.Release();
    }

    /// <summary>The source answered: the loop takes the writer back (waiting for a keep-alive being written, if any).</summary>
    public async ValueTask ResumeAsync()
    {
        await _writerLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        _loopHoldsWriter = true;
    }

    private void OnTimer()
    {
        if (_ended || !_writerLock.Wait(0))
        {
            return; // the loop is writing: the stream is not idle
        }
        _ = WriteAsync();
    }

    private async Task WriteAsync()
    {
        try
        {
            if (_ended)
            {
                return;
            }
            _writer.Write(": keep-alive\n\n"u8);
            var flushed = await _writer.FlushAsync(_aborted).ConfigureAwait(false);
            if (!flushed.IsCompleted && !flushed.IsCanceled && !_ended)
            {
                _timer.Change(_interval, Timeout.InfiniteTimeSpan);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The client is gone or the response ended: the loop notices on its own.
        }
        finally
        {
            _writerLock.Release();
        }
    }

    /// <summary>Stops the timer and waits for a keep-alive being written, so that nothing writes after the stream ends.</summary>
    public async ValueTask DisposeAsync()
    {
        _ended = true;
        await _timer.DisposeAsync().ConfigureAwait(false);
        if (!_loopHoldsWriter)
        {
            await _writerLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            _loopHoldsWriter = true;
        }
        _writerLock.Dispose();
    }
}
