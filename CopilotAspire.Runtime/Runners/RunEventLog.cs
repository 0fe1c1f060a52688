using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Runners;

/// <summary>
/// The events of one active run, in order, readable by any number of subscribers from the start while the run
/// appends. Subscribers share the one list (no copy per subscriber) and wait on a signal, not a poll. An event may
/// carry its JSON (serialized once by the runner, for its store), which every subscriber then writes as is.
/// </summary>
public sealed class RunEventLog
{
    private readonly List<RunnerEvent> _events = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _waitedOn; // a reader holds _changed.Task: the next append must signal it and start a fresh one
    private bool _completed;

    /// <param name="json">The event's wire JSON, if the runner has serialized it (see <see cref="RunnerEvent.Json"/>).</param>
    /// <param name="id">The event's SSE id, if the runner gives its events ids (every reader gets it).</param>
    public void Append(AgUiEvent e, ReadOnlyMemory<byte> json = default, string? id = null)
    {
        TaskCompletionSource? changed = null;
        lock (_lock)
        {
            if (_completed)
            {
                throw new InvalidOperationException("The run has already completed.");
            }
            _events.Add(new RunnerEvent(e, id) { Json = json });
            if (_waitedOn)
            {
                // Only when a reader is waiting: no signal (and no allocation) per event otherwise.
                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waitedOn = false;
            }
        }
        changed?.TrySetResult();
    }

    /// <summary>Wakes every waiting reader without an event (a reader's token was cancelled).</summary>
    private void Wake()
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            if (_completed || !_waitedOn)
            {
                return;
            }
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waitedOn = false;
        }
        changed.TrySetResult();
    }

    public void Complete()
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }
            _completed = true;
            changed = _changed;
        }
        changed.TrySetResult();
    }

    /// <summary>How many events the log holds.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _events.Count;
            }
        }
    }

    /// <summary>Copies up to <paramref name="max"/> events from index <paramref name="start"/> on (with their JSON) into <paramref name="into"/>; returns how many.</summary>
    public int CopyTo(int start, int max, List<RunnerEvent> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        lock (_lock)
        {
            var count = Math.Clamp(_events.Count - start, 0, max);
            for (var i = start; i < start + count; i++)
            {
                into.Add(_events[i]);
            }
            return count;
        }
    }

    /// <summary>A copy of the events so far.</summary>
    public List<AgUiEvent> Snapshot()
    {
        lock (_lock)
        {
            return _events.ConvertAll(static e => e.Event);
        }
    }

    /// <summary>Every event from <paramref name="start"/> on, live until the run completes.</summary>
    public async IAsyncEnumerable<RunnerEvent> ReadAsync(int start = 0, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var index = start;
        var batch = new List<RunnerEvent>();
        // One registration per reader (not a cancellable wait per event): cancelling wakes the waiters, and each
        // reader checks its own token.
        using var registration = cancellationToken.UnsafeRegister(static log => ((RunEventLog)log!).Wake(), this);
        while (true)
        {
            Task changed;
            bool completed;
            batch.Clear();
            lock (_lock)
            {
                for (; index < _events.Count; index++)
                {
                    batch.Add(_events[index]);
                }
                completed = _completed;
                changed = _changed.Task;
                _waitedOn |= batch.Count == 0 && !completed;
            }
            foreach (var e in batch)
            {
                yield return e;
            }
            if (batch.Count == 0)
            {
                if (completed)
                {
                    yield break;
                }
                cancellationToken.ThrowIfCancellationRequested();
                await changed.ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }
}
