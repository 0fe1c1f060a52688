using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using CopilotAspire.Runtime.Telemetry;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Http;

/// <summary>The after-request telemetry: spans and metrics recorded for each finished request.</summary>
public sealed class TelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 30_000)]
    public async Task A_run_records_a_span_and_run_metrics()
    {
        var threadId = $"telemetry-{Guid.NewGuid():N}";
        var measurements = new ConcurrentQueue<(string Name, long Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == CopilotRuntimeTelemetry.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        meters.Start();

        var spans = new ConcurrentQueue<Activity>();
        var spanDone = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CopilotRuntimeTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if ((string?)activity.GetTagItem("agui.thread_id") == threadId)
                {
                    spanDone.TrySetResult(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(activities);

        await using var host = await RuntimeTestHost.StartAsync();
        await host.PostSseAsync("/api/copilotkit/agent/exploder/run", RuntimeTestHost.Input(threadId, "r1"), Ct);

        var span = await spanDone.Task.WaitAsync(Ct);
        Assert.Equal("copilot.request", span.OperationName);
        Assert.Equal("r1", span.GetTagItem("agui.run_id"));
        Assert.Equal("INCOMPLETE_STREAM", span.GetTagItem("agui.run.error_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);

        // Metrics are recorded by the after-request middleware, which runs before the span ends.
        Assert.Contains(measurements, m => m.Name == "copilot.runs" && (string?)m.Tags["copilot.agent"] == "exploder" && (string?)m.Tags["copilot.run.outcome"] == "error");
        Assert.Contains(measurements, m => m.Name == "copilot.run.errors" && (string?)m.Tags["copilot.error.code"] == "INCOMPLETE_STREAM");
        Assert.Contains(measurements, m => m.Name == "copilot.requests" && (string?)m.Tags["copilot.method"] == "agent/run");
    }
}
