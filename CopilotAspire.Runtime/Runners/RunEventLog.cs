using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Runners;

/// <summary>
/// The events of one active run, in order, readable by any number of subscribers from the start while the run
/// appends. Events are kept in fixed-size chunks that never move (appending copies nothing), and a subscriber reads
/// what is published without a lock and without a copy; it takes the lock only to wait, on a signal, not a poll. An
/// event may carry its JSON (serialized once by the runner, for its store), which every subscriber then writes as is.
/// </summary>
public sealed class RunEventLog
{
    private const int ChunkShift = 6;
    private const int ChunkSize = 1 << ChunkShift; // 64 events: small chunks, never on the large object heap
    private const int ChunkMask = ChunkSize - 1;

    private readonly Lock _lock = new();
    private readonly string? _idPrefix;
    private Chunk[] _chunks = new Chunk[4];
    private int _count; // published: events below it are written and never change
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _waitedOn; // a reader holds _changed.Task: the next append must signal it and start a fresh one
    private bool _completed;

    /// <summary>A log whose events have no SSE ids.</summary>
    public RunEventLog()
    {
    }

    /// <param name="idPrefix">Gives event K (1-based) the id <c>idPrefix + K</c>, formatted only when written.</param>
    public RunEventLog(string idPrefix)
    {
        ArgumentNullException.ThrowIfNull(idPrefix);
        _idPrefix = idPrefix;
    }

    /// <summary>
    /// Publishes <paramref name="e"/> after the events already in the log and wakes the readers waiting for it.
    /// </summary>
    /// <param name="e">The next event of the run.</param>
    /// <param name="json">The event's wire JSON, if the runner has serialized it (see <see cref="RunnerEvent.Json"/>).</param>
    /// <exception cref="InvalidOperationException">The log was completed (<see cref="Complete"/>).</exception>
    public void Append(AgUiEvent e, ReadOnlyMemory<byte> json = default)
    {
        TaskCompletionSource? changed = null;
        lock (_lock)
        {
            if (_completed)
            {
                throw new InvalidOperationException("The run has already completed.");
            }
            var index = _count;
            var chunk = index >> ChunkShift;
            if (chunk == _chunks.Length)
            {
                // The chunk table is replaced, never changed in place: a reader holding the old one still finds every
                // event published before, and the new one is visible before the count that needs it.
                var chunks = new Chunk[chunk * 2];
                Array.Copy(_chunks, chunks, chunk);
                _chunks = chunks;
            }
            (_chunks[chunk] ??= new Chunk()).Set(index & ChunkMask, e, json);
            Volatile.Write(ref _count, index + 1);
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

    /// <summary>
    /// Ends the log: readers that reach its end finish instead of waiting.
    /// </summary>
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
    public int Count => Volatile.Read(ref _count);

    /// <summary>Copies up to <paramref name="max"/> events from index <paramref name="start"/> on (with their JSON and id) into <paramref name="into"/>; returns how many.</summary>
    public int CopyTo(int start, int max, List<RunnerEvent> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        var published = Volatile.Read(ref _count);
        var chunks = Volatile.Read(ref _chunks);
        var count = Math.Clamp(published - start, 0, max);
        for (var i = start; i < start + count; i++)
        {
            into.Add(Get(chunks, i));
        }
        return count;
    }

    /// <summary>The JSON event <paramref name="index"/> was appended with (empty if none); the event must be published.</summary>
    public ReadOnlyMemory<byte> JsonAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Volatile.Read(ref _count));
        return Volatile.Read(ref _chunks)[index >> ChunkShift].JsonAt(index & ChunkMask);
    }

    /// <summary>A copy of the events so far.</summary>
    public List<AgUiEvent> Snapshot()
    {
        var count = Volatile.Read(ref _count);
        var chunks = Volatile.Read(ref _chunks);
        var events = new List<AgUiEvent>(count);
        for (var i = 0; i < count; i++)
        {
            events.Add(chunks[i >> ChunkShift].Events[i & ChunkMask]);
        }
        return events;
    }

    /// <summary>Every event from <paramref name="start"/> on, live until the run completes.</summary>
    public IAsyncEnumerable<RunnerEvent> ReadAsync(int start = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        return new Reader(this, start, cancellationToken);
    }

    /// <summary>
    /// A subscriber. Written by hand, not as an async iterator: an event already published is returned by
    /// <see cref="MoveNextAsync"/> at once, with no state machine stepped, no context saved and no copy of it kept
    /// (<see cref="Current"/> reads it from its chunk); only a reader that has caught up waits, on the log's signal.
    /// Each enumeration reads from <c>start</c>; a token (of <c>ReadAsync</c> or of the enumeration) ends a wait with
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    private sealed class Reader(RunEventLog log, int start, CancellationToken readToken) : IAsyncEnumerable<RunnerEvent>, IAsyncEnumerator<RunnerEvent>
    {
        private readonly int _start = start;
        private readonly CancellationToken _readToken = readToken;
        private int _next = start;
        private int _current = -1;
        private Chunk[] _chunks = log._chunks;
        private CancellationToken _token = readToken;
        private CancellationTokenSource? _linked;
        private CancellationTokenRegistration _registration;
        private bool _registered;
        private bool _enumerating;

        public RunnerEvent Current => log.Get(_chunks, _current);

        public IAsyncEnumerator<RunnerEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        {
            var reader = _enumerating ? new Reader(log, _start, _readToken) : this;
            reader._enumerating = true;
            if (cancellationToken.CanBeCanceled && cancellationToken != _readToken)
            {
                if (_readToken.CanBeCanceled)
                {
                    reader._linked = CancellationTokenSource.CreateLinkedTokenSource(_readToken, cancellationToken);
                    reader._token = reader._linked.Token;
                }
                else
                {
                    reader._token = cancellationToken;
                }
            }
            return reader;
        }

        public ValueTask<bool> MoveNextAsync()
        {
            if (_next < Volatile.Read(ref log._count))
            {
                Advance();
                return new ValueTask<bool>(true);
            }
            return WaitAsync();
        }

        private void Advance()
        {
            _chunks = Volatile.Read(ref log._chunks); // the table may have grown; it is published before the count
            _current = _next++;
        }

        private async ValueTask<bool> WaitAsync()
        {
            if (!_registered)
            {
                // One registration per reader (not a cancellable wait per event): cancelling wakes the waiters, and
                // each reader checks its own token.
                _registration = _token.UnsafeRegister(static l => ((RunEventLog)l!).Wake(), log);
                _registered = true;
            }
            while (true)
            {
                if (_next < Volatile.Read(ref log._count))
                {
                    Advance();
                    return true;
                }
                Task? changed = null;
                bool ended;
                lock (log._lock)
                {
                    ended = _next >= log._count && log._completed;
                    if (_next >= log._count && !log._completed)
                    {
                        changed = log._changed.Task;
                        log._waitedOn = true;
                    }
                }
                if (ended)
                {
                    return false;
                }
                if (changed is null)
                {
                    continue; // appended meanwhile
                }
                _token.ThrowIfCancellationRequested();
                await changed.ConfigureAwait(false);
                _token.ThrowIfCancellationRequested();
            }
        }

        public ValueTask DisposeAsync()
        {
            _registration.Dispose();
            _linked?.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private RunnerEvent Get(Chunk[] chunks, int index)
    {
        var chunk = chunks[index >> ChunkShift];
        var slot = index & ChunkMask;
        return _idPrefix is null ? chunk.Get(slot) : new RunnerEvent(chunk.Events[slot], chunk.JsonAt(slot), _idPrefix, index + 1L);
    }

    /// <summary>64 events; their JSON beside them only if the runner serialized them (an in-memory run keeps none).</summary>
    private sealed class Chunk
    {
        public readonly AgUiEvent[] Events = new AgUiEvent[ChunkSize];
        private ReadOnlyMemory<byte>[]? _json;

        public void Set(int slot, AgUiEvent e, ReadOnlyMemory<byte> json)
        {
            Events[slot] = e;
            if (!json.IsEmpty)
            {
                (_json ??= new ReadOnlyMemory<byte>[ChunkSize])[slot] = json;
            }
        }

        public ReadOnlyMemory<byte> JsonAt(int slot) => _json is { } json ? json[slot] : default;

        public RunnerEvent Get(int slot) => new(Events[slot]) { Json = JsonAt(slot) };
    }
}
