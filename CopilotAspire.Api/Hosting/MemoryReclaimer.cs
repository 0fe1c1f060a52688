using System.Runtime;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Api.Hosting;

/// <summary>
/// Gives memory back after a load spike (<see cref="MemoryReclaimOptions"/>). Every check interval it reads the GC's
/// committed heap and the bytes allocated since the last check; when the heap has grown by
/// <see cref="MemoryReclaimOptions.SpikeBytes"/> since the last reclaim and the app allocates less than
/// <see cref="MemoryReclaimOptions.QuietAllocationBytesPerSecond"/>, it runs one aggressive (blocking, compacting,
/// decommitting) full collection. One collection per spike, only when quiet: a busy app is never paused by it, and a
/// steady one never sees it. Logs the GC settings in force once the app has started (a start-up refusal, such as a
/// port in use, stays the one line it is).
/// </summary>
public sealed partial class MemoryReclaimer(IOptions<MemoryReclaimOptions> options, IHostApplicationLifetime lifetime, ILogger<MemoryReclaimer> logger) : BackgroundService
{
    private long _floor = -1;

    /// <summary>Collections this reclaimer has run.</summary>
    public int Reclaims { get; private set; }

    /// <summary>
    /// Whether a heap of <paramref name="committedBytes"/> that had <paramref name="allocatedBytes"/> allocated over
    /// <paramref name="interval"/> is due for a reclaim; the first call only records the starting level.
    /// </summary>
    public bool IsDue(long committedBytes, long allocatedBytes, TimeSpan interval)
    {
        if (_floor < 0 || committedBytes < _floor)
        {
            _floor = committedBytes;
            return false;
        }
        var quiet = allocatedBytes <= options.Value.QuietAllocationBytesPerSecond * interval.TotalSeconds;
        return quiet && committedBytes - _floor >= options.Value.SpikeBytes;
    }

    /// <summary>The GC's settings in force (<see cref="GC.GetConfigurationVariables"/>), as one line.</summary>
    public static string DescribeGcSettings()
    {
        var variables = GC.GetConfigurationVariables();
        string Get(string name) => variables.TryGetValue(name, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "" : "?";
        return $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, concurrent {Get("ConcurrentGC")}, heaps {Get("HeapCount")}, " +
            $"ConserveMemory {Get("GCConserveMem")}, RetainVM {Get("RetainVM")}, DATAS {(GCSettings.IsServerGC ? Get("GCDynamicAdaptationMode") : "n/a")}, " +
            $"heap hard limit {Get("GCHeapHardLimit")}";
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // stopped before it started
            }
        }
        var settings = options.Value;
        LogGcSettings(logger, DescribeGcSettings(), settings.ReclaimAfterSpikes, settings.SpikeBytes >> 20, settings.QuietAllocationBytesPerSecond >> 10);
        if (!settings.ReclaimAfterSpikes)
        {
            return;
        }
        var interval = TimeSpan.FromSeconds(settings.CheckIntervalSeconds);
        using var timer = new PeriodicTimer(interval);
        IsDue(GC.GetGCMemoryInfo().TotalCommittedBytes, 0, interval); // the level at start, before any traffic
        var allocated = GC.GetTotalAllocatedBytes();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = GC.GetTotalAllocatedBytes();
                var committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
                if (IsDue(committed, now - allocated, interval))
                {
                    var workingSet = Environment.WorkingSet;
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    _floor = GC.GetGCMemoryInfo().TotalCommittedBytes;
                    Reclaims++;
                    LogReclaimed(logger, committed >> 20, _floor >> 20, workingSet >> 20, Environment.WorkingSet >> 20);
                }
                allocated = GC.GetTotalAllocatedBytes();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "GC: {Settings}; reclaim after spikes: {Enabled} (spike {SpikeMiB} MiB, quiet under {QuietKiBPerSecond} KiB/s)")]
    private static partial void LogGcSettings(ILogger logger, string settings, bool enabled, long spikeMiB, long quietKiBPerSecond);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Memory reclaimed after a spike: GC heap committed {BeforeMiB} MiB -> {AfterMiB} MiB, working set {WorkingSetBeforeMiB} MiB -> {WorkingSetAfterMiB} MiB")]
    private static partial void LogReclaimed(ILogger logger, long beforeMiB, long afterMiB, long workingSetBeforeMiB, long workingSetAfterMiB);
}
