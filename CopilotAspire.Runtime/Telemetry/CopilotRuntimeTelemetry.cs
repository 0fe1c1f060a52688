using System.Diagnostics;
using System.Diagnostics.Metrics;
using CopilotAspire.Runtime.Middleware;

namespace CopilotAspire.Runtime.Telemetry;

/// <summary>
/// The runtime's one <see cref="ActivitySource"/> and one <see cref="Meter"/>. <c>AddCopilotRuntime</c> registers both
/// with OpenTelemetry; the after-request middleware <see cref="RecordAsync"/> turns each finished request into metrics.
/// </summary>
public sealed class CopilotRuntimeTelemetry : IDisposable
{
    /// <summary>
    /// The name of the runtime's <see cref="System.Diagnostics.ActivitySource"/>: <c>CopilotAspire.Runtime</c> (one span
    /// per request, <c>copilot.request</c>, tagged with its method, agent, thread and run).
    /// </summary>
    public const string ActivitySourceName = "CopilotAspire.Runtime";
    /// <summary>
    /// The name of the runtime's <see cref="Meter"/>: <c>CopilotAspire.Runtime</c> (<c>copilot.requests</c>,
    /// <c>copilot.runs</c>, <c>copilot.run.errors</c>, <c>copilot.messages</c>, <c>copilot.tool_calls</c>,
    /// <c>copilot.request.duration</c>, <c>copilot.stream.events</c>).
    /// </summary>
    public const string MeterName = "CopilotAspire.Runtime";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _runs;
    private readonly Counter<long> _runErrors;
    private readonly Counter<long> _messages;
    private readonly Counter<long> _toolCalls;
    private readonly Histogram<double> _duration;
    private readonly Histogram<long> _events;

    /// <summary>Creates the meter and its instruments through the host's meter factory.</summary>
    /// <param name="meterFactory">The host's <see cref="IMeterFactory"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="meterFactory"/> is <see langword="null"/>.</exception>
    public CopilotRuntimeTelemetry(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _requests = _meter.CreateCounter<long>("copilot.requests", "{request}", "Runtime requests by method and status code.");
        _runs = _meter.CreateCounter<long>("copilot.runs", "{run}", "Agent runs streamed, by agent and outcome.");
        _runErrors = _meter.CreateCounter<long>("copilot.run.errors", "{error}", "Runs that ended with RUN_ERROR, by code.");
        _messages = _meter.CreateCounter<long>("copilot.messages", "{message}", "Messages produced by agent runs.");
        _toolCalls = _meter.CreateCounter<long>("copilot.tool_calls", "{call}", "Tool calls produced by agent runs.");
        _duration = _meter.CreateHistogram<double>("copilot.request.duration", "s", "Time from request to the end of its response.");
        _events = _meter.CreateHistogram<long>("copilot.stream.events", "{event}", "Events written per SSE stream.");
    }

    /// <summary>The runtime's activity source (<see cref="ActivitySourceName"/>), shared by every instance.</summary>
    public static ActivitySource ActivitySource { get; } = new(ActivitySourceName, typeof(CopilotRuntimeTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// The built-in after-request middleware: counts every request by method and status and times it; for a run, counts
    /// it by agent and outcome, its <c>RUN_ERROR</c> code, and the messages and tool calls it produced.
    /// </summary>
    /// <param name="context">The finished request.</param>
    public ValueTask RecordAsync(AfterRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var method = new KeyValuePair<string, object?>("copilot.method", context.Method);
        _requests.Add(1, method, new("http.response.status_code", context.StatusCode));
        _duration.Record(context.Duration.TotalSeconds, method);
        if (context.Method is "agent/run" or "agent/connect")
        {
            _events.Record(context.EventCount, method);
        }
        if (context.Method == "agent/run" && context.StatusCode == 200 && context.EventCount > 0)
        {
            var outcome = string.IsNullOrEmpty(context.RunErrorCode) ? "finished" : "error";
            _runs.Add(1, new("copilot.agent", context.AgentId), new("copilot.run.outcome", outcome));
            if (!string.IsNullOrEmpty(context.RunErrorCode))
            {
                _runErrors.Add(1, new KeyValuePair<string, object?>("copilot.error.code", context.RunErrorCode));
            }
            _messages.Add(context.MessageCount, new KeyValuePair<string, object?>("copilot.agent", context.AgentId));
            _toolCalls.Add(context.ToolCallCount, new KeyValuePair<string, object?>("copilot.agent", context.AgentId));
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Disposes the meter (the host does, with the service provider).</summary>
    public void Dispose() => _meter.Dispose();
}
