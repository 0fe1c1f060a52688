using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Api.Hosting;

/// <summary>
/// Giving memory back after a load spike (<c>Memory</c> section). The GC collects only when the app allocates, so after
/// a spike ends (thousands of streams closed at once) an idle Api would keep its peak heap for as long as it stays
/// idle. <see cref="MemoryReclaimer"/> watches the GC heap and, once the app is quiet after the heap grew, runs one
/// compacting collection that returns the free memory to the operating system.
/// </summary>
public sealed class MemoryReclaimOptions
{
    public const string SectionName = "Memory";

    /// <summary>Reclaim after spikes. Default true.</summary>
    public bool ReclaimAfterSpikes { get; set; } = true;

    /// <summary>How often the heap and the allocation rate are looked at, in seconds. Default 5.</summary>
    [Range(1, 3600)]
    public int CheckIntervalSeconds { get; set; } = 5;

    /// <summary>How far the GC's committed heap must have grown above its level after the last reclaim (or at start) to count as a spike. Default 16 MiB.</summary>
    [Range(1L << 20, 1L << 40)]
    public long SpikeBytes { get; set; } = 16L << 20;

    /// <summary>The allocation rate under which the app counts as quiet, in bytes per second. Default 2 MiB/s.</summary>
    [Range(0, 1L << 40)]
    public long QuietAllocationBytesPerSecond { get; set; } = 2L << 20;
}

[OptionsValidator]
internal sealed partial class MemoryReclaimOptionsValidator : IValidateOptions<MemoryReclaimOptions>;
