using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using CopilotAspire.Runtime.Middleware;
using CopilotAspire.Runtime.Telemetry;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Http;

/// <summary>The after-request telemetry: spans and metrics recorded for each finished request.</summary>
[Kind(TestKind.Fast)]
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

    [Fact(Timeout = 30_000)]
    public async Task The_default_set_up_counts_the_messages_and_tool_calls_of_a_run()
    {
        // Only the built-in telemetry is registered (it reads counts, not messages): the counters must still count.
        var threadId = $"telemetry-{Guid.NewGuid():N}";
        var recorded = new TaskCompletionSource<(long Messages, long ToolCalls)>(TaskCreationOptions.RunContinuationsAsynchronously);
        long? messages = null;
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == CopilotRuntimeTelemetry.MeterName && instrument.Name is "copilot.messages" or "copilot.tool_calls")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (tags.ToArray().Any(t => t.Key == "copilot.agent" && (string?)t.Value == "chunky"))
            {
                if (instrument.Name == "copilot.messages")
                {
                    messages = value;
                }
                else if (messages is { } m)
                {
                    recorded.TrySetResult((m, value));
                }
            }
        });
        meters.Start();

        await using var host = await RuntimeTestHost.StartAsync();
        var (_, frames) = await host.PostSseAsync("/api/copilotkit/agent/chunky/run", RuntimeTestHost.Input(threadId, "r1"), Ct);
        Assert.Contains(frames, f => f.Data is not null && f.Type == "TOOL_CALL_START");

        // "chunky" streams one assistant message (c1) carrying one tool call (tc1).
        Assert.Equal((1L, 1L), await recorded.Task.WaitAsync(Ct));
    }

    [Theory(Timeout = 30_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_connect_is_counted_only_when_a_middleware_reads_messages(bool readsMessages)
    {
        // Counting a connect would read every stored event of its replay (written as stored JSON otherwise).
        var threadId = $"counted-{Guid.NewGuid():N}";
        var run = new TaskCompletionSource<AfterRequestContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        var connect = new TaskCompletionSource<AfterRequestContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await RuntimeTestHost.StartAsync(runtime => runtime.UseAfterRequest(context =>
        {
            // After-request middleware runs once the response has been sent.
            (context.Method == "agent/run" ? run : connect).TrySetResult(context);
            return ValueTask.CompletedTask;
        }, readsMessages));
        await host.PostSseAsync("/api/copilotkit/agent/chunky/run", RuntimeTestHost.Input(threadId, "r1"), Ct);
        var (_, frames) = await host.PostSseAsync("/api/copilotkit/agent/chunky/connect", RuntimeTestHost.Input(threadId, "c1"), Ct);
        Assert.Contains(frames, f => f.Type == "TOOL_CALL_START");

        var ran = await run.Task.WaitAsync(Ct);
        var connected = await connect.Task.WaitAsync(Ct);
        Assert.Equal("agent/connect", connected.Method);
        Assert.Equal((1, 1), (ran.MessageCount, ran.ToolCallCount));
        Assert.True(connected.EventCount > 0);
        Assert.Equal(readsMessages ? (1, 1) : (0, 0), (connected.MessageCount, connected.ToolCallCount));
        Assert.Equal(readsMessages ? 1 : 0, connected.Messages.Count);
    }
}
