using CopilotAspire.Transcriber.Hosting;
using CopilotAspire.Transcriber.Telemetry;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Transcriber.Processing;

/// <summary>
/// Admission control: at most <see cref="TranscriberOptions.MaxConcurrentTranscriptions"/> transcriptions run in the
/// engine and at most <see cref="TranscriberOptions.MaxQueuedTranscriptions"/> more wait. A request is admitted before
/// its upload is read, so a full service also bounds the memory that uploads take.
/// </summary>
public sealed class TranscriptionGate : IDisposable
{
    private readonly SemaphoreSlim _engineSlots;
    private readonly TranscriberTelemetry _telemetry;
    private int _admitted;

    public TranscriptionGate(IOptions<TranscriberOptions> options, TranscriberTelemetry telemetry)
    {
        _engineSlots = new SemaphoreSlim(options.Value.MaxConcurrentTranscriptions);
        Capacity = options.Value.MaxConcurrentTranscriptions + options.Value.MaxQueuedTranscriptions;
        _telemetry = telemetry;
    }

    /// <summary>Requests that may be admitted at once (engine slots plus queue).</summary>
    public int Capacity { get; }

    /// <summary>Admits a request, or returns <see langword="null"/> when slots and queue are full.</summary>
    public Admission? TryAdmit()
    {
        if (Interlocked.Increment(ref _admitted) > Capacity)
        {
            Interlocked.Decrement(ref _admitted);
            return null;
        }
        _telemetry.Queued.Add(1);
        return new Admission(this);
    }

    public void Dispose() => _engineSlots.Dispose();

    /// <summary>An admitted request: wait for an engine slot, and dispose to leave.</summary>
    public sealed class Admission : IDisposable
    {
        private readonly TranscriptionGate _gate;
        private bool _inEngine;
        private bool _disposed;

        internal Admission(TranscriptionGate gate) => _gate = gate;

        public async Task EnterEngineAsync(CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_inEngine)
            {
                return;
            }
            await _gate._engineSlots.WaitAsync(cancellationToken);
            _inEngine = true;
            _gate._telemetry.Queued.Add(-1);
            _gate._telemetry.Active.Add(1);
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            if (_inEngine)
            {
                _gate._engineSlots.Release();
                _gate._telemetry.Active.Add(-1);
            }
            else
            {
                _gate._telemetry.Queued.Add(-1);
            }
            Interlocked.Decrement(ref _gate._admitted);
        }
    }
}
