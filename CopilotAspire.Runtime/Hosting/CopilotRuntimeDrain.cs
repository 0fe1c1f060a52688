using CopilotAspire.Runtime.Runners;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Runtime.Hosting;

/// <summary>
/// Graceful shutdown of the runtime. When the host starts stopping (SIGTERM, Ctrl-C, a rolling deploy), before the
/// web server stops: new runs get <c>503 runner_unavailable</c> with <c>Retry-After</c> and the health check turns
/// Unhealthy; running runs get <see cref="CopilotRuntimeOptions.ShutdownGracePeriod"/> to finish; the rest end with
/// <c>RUN_ERROR {code: "RUN_INTERRUPTED"}</c> (open messages closed first), so every run and connect stream gets its
/// terminal event; then the streams still open (a connect tailing another replica's run) end cleanly.
/// </summary>
public sealed partial class CopilotRuntimeDrain(AgentRunner runner, IOptions<CopilotRuntimeOptions> options, ILogger<CopilotRuntimeDrain> logger)
    : IHostedLifecycleService, IHealthCheck
{
    /// <summary>The health check's name.</summary>
    public const string HealthCheckName = "copilot-runtime";

    /// <summary>How long interrupted runs get to write their closing events and be stored.</summary>
    public static TimeSpan InterruptTimeout { get; } = TimeSpan.FromSeconds(2);

    /// <summary>How long open streams get to deliver what they have before they are ended.</summary>
    private static readonly TimeSpan StreamFlushTimeout = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _closeStreams = new();
    private readonly TaskCompletionSource _streamsClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _drainStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _draining;
    private int _openStreams;

    /// <summary>The server is shutting down: runs are no longer admitted.</summary>
    public bool IsDraining => Volatile.Read(ref _draining) == 1;

    /// <summary>Completes when the drain starts (runs are refused from then on).</summary>
    public Task Draining => _drainStarted.Task;

    /// <summary>Run and connect streams open now.</summary>
    public int OpenStreams => Volatile.Read(ref _openStreams);

    /// <summary>
    /// The <c>Retry-After</c> of a refused run, in seconds: the grace period, at most 5 s (another replica, or this one
    /// restarted, is usually there sooner).
    /// </summary>
    public int RetryAfterSeconds => Math.Clamp((int)Math.Ceiling(options.Value.ShutdownGracePeriod.TotalSeconds), 1, 5);

    /// <summary>
    /// Runs the drain when the host starts stopping: refuses new runs, waits up to the grace period for running runs,
    /// interrupts the rest, then closes the open streams.
    /// </summary>
    /// <param name="cancellationToken">The host's shutdown timeout: it also ends the wait for running runs.</param>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _draining, 1) == 1)
        {
            return;
        }
        _drainStarted.TrySetResult();
        var grace = options.Value.ShutdownGracePeriod;
        LogDraining(logger, grace.TotalSeconds, OpenStreams);
        if (OpenStreams == 0)
        {
            _streamsClosed.TrySetResult();
        }

        // Bounded by the grace period and by the host's shutdown timeout, whichever ends first.
        await runner.WhenIdleAsync(cancellationToken).WaitAsync(grace, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        using (var interrupt = new CancellationTokenSource(InterruptTimeout))
        {
            try
            {
                await runner.InterruptRunsAsync(interrupt.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                LogInterruptTimedOut(logger, InterruptTimeout.TotalSeconds);
            }
        }

        await _streamsClosed.Task.WaitAsync(StreamFlushTimeout, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var open = OpenStreams;
        await _closeStreams.CancelAsync().ConfigureAwait(false);
        await _streamsClosed.Task.WaitAsync(StreamFlushTimeout, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        LogDrained(logger, open);
    }

    /// <summary>
    /// Counts a run or connect stream as open until the returned lease is disposed. Its <see cref="CopilotStreamLease.Token"/>
    /// (the request's token, linked to the drain's) is cancelled once a shutdown closes the streams: the stream then
    /// ends without an error (<see cref="CopilotStreamLease.Closed"/>). One lease per stream, nothing per event.
    /// </summary>
    public CopilotStreamLease Open(CancellationToken requestAborted)
    {
        Interlocked.Increment(ref _openStreams);
        return new CopilotStreamLease(this, requestAborted);
    }

    /// <summary>Cancelled when a shutdown closes the streams still open.</summary>
    internal CancellationToken StreamsClosing => _closeStreams.Token;

    internal void OnStreamClosed()
    {
        if (Interlocked.Decrement(ref _openStreams) == 0 && IsDraining)
        {
            _streamsClosed.TrySetResult();
        }
    }

    /// <summary>
    /// Unhealthy once the drain started, so a load balancer stops sending this replica runs; Healthy before.
    /// </summary>
    /// <param name="context">Unused.</param>
    /// <param name="cancellationToken">Unused.</param>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(IsDraining
            ? HealthCheckResult.Unhealthy("The server is shutting down: it no longer accepts runs.")
            : HealthCheckResult.Healthy());

    /// <inheritdoc/>
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Draining: new runs get 503; running runs have {GraceSeconds} s to finish ({OpenStreams} streams open)")]
    private static partial void LogDraining(ILogger logger, double graceSeconds, int openStreams);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Some interrupted runs did not end within {Seconds} s (an agent that ignores cancellation); they are cut when the process exits")]
    private static partial void LogInterruptTimedOut(ILogger logger, double seconds);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Drained: every run has ended ({OpenStreams} streams were still open and have been ended)")]
    private static partial void LogDrained(ILogger logger, int openStreams);
}
