using CopilotAspire.Api.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Tests.Hosting;

/// <summary>When the Api's <see cref="MemoryReclaimer"/> collects: once per spike, only when the app is quiet.</summary>
[Kind(TestKind.Fast)]
public sealed class MemoryReclaimerTests
{
    private const long MiB = 1 << 20;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private static MemoryReclaimer Reclaimer() => new(Options.Create(new MemoryReclaimOptions
    {
        SpikeBytes = 64 * MiB,
        QuietAllocationBytesPerSecond = 2 * MiB,
    }), new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance), NullLogger<MemoryReclaimer>.Instance);

    [Fact]
    public void A_grown_heap_is_reclaimed_only_once_the_app_is_quiet()
    {
        var reclaimer = Reclaimer();
        Assert.False(reclaimer.IsDue(100 * MiB, 0, Interval)); // the first look only records the level
        Assert.False(reclaimer.IsDue(400 * MiB, 50 * MiB, Interval)); // grown, but busy (10 MiB/s)
        Assert.False(reclaimer.IsDue(400 * MiB, 11 * MiB, Interval)); // 2.2 MiB/s: still busy
        Assert.True(reclaimer.IsDue(400 * MiB, 10 * MiB, Interval)); // 2 MiB/s: quiet
    }

    [Fact]
    public void A_heap_that_did_not_grow_by_a_spike_is_left_alone_however_quiet()
    {
        var reclaimer = Reclaimer();
        Assert.False(reclaimer.IsDue(100 * MiB, 0, Interval));
        Assert.False(reclaimer.IsDue(163 * MiB, 0, Interval));
        Assert.True(reclaimer.IsDue(164 * MiB, 0, Interval));
    }

    [Fact]
    public void A_heap_that_shrank_by_itself_lowers_the_level_a_spike_is_measured_from()
    {
        var reclaimer = Reclaimer();
        Assert.False(reclaimer.IsDue(200 * MiB, 0, Interval));
        Assert.False(reclaimer.IsDue(50 * MiB, 0, Interval));
        Assert.True(reclaimer.IsDue(120 * MiB, 0, Interval));
    }

    [Fact]
    public void The_GC_settings_line_names_the_flavour_and_the_knobs_in_force()
    {
        var line = MemoryReclaimer.DescribeGcSettings();
        Assert.Matches("^(workstation|server) GC, concurrent (True|False), heaps [0-9]+, ConserveMemory [0-9]+, RetainVM (True|False), DATAS ", line);
    }
}
