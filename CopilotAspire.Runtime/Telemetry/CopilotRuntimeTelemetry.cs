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
    public const string ActivitySourceName = "CopilotAspire.Runtime";
    public const string MeterName = "CopilotAspire.Runtime";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _runs;
    private readonly Counter<long> _runErrors;
    private readonly Counter<long> _messages;
    private readonly Counter<long> _toolCalls;
    private readonly Histogram<double> _duration;
    private readonly Histogram<long> _events;

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

    public static ActivitySource ActivitySource { get; } = new(ActivitySourceName, typeof(CopilotRuntimeTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The built-in after-request middleware.</summary>
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

    public void Dispose() => _meter.Dispose();
}
