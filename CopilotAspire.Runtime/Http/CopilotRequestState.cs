using System.Diagnostics;
using CopilotAspire.Runtime.Hosting;
using CopilotAspire.Runtime.Middleware;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Runtime.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Http;

/// <summary>
/// What one runtime request did, gathered for after-request middleware and telemetry. This class owns the record
/// for the request's whole life: <see cref="Begin"/> creates it (span, completion callback), the methods below are the
/// only way to update it, and it completes itself once the response has been sent (tags the span, runs after-request
/// middleware). The request filter begins it and reports a client gone; <see cref="CopilotRuntime"/> says what the
/// request is (method, agent, thread, run); the SSE writer reports each event written and a client gone.
/// </summary>
internal sealed partial class CopilotRequestState
{
    private static readonly object Key = new();

    private readonly long _startTimestamp = Stopwatch.GetTimestamp();
    private Activity? _activity;

    /// <summary>Rebuild the stream's messages with their content (<see cref="AfterRequestContext.Messages"/>): only when some middleware reads them; otherwise only counted.</summary>
    private bool _reconstructMessages;

    private MessageReconstructor? _reconstructor;

    /// <summary>Count the stream's messages and tool calls: for a run, or for any stream whose messages are rebuilt.</summary>
    private bool _countMessages;

    /// <summary>The request reached a handler (after-request middleware runs only then).</summary>
    public bool Dispatched { get; private set; }

    public string Method { get; private set; } = "";

    public string? AgentId { get; private set; }

    public string? ThreadId { get; private set; }

    public string? RunId { get; private set; }

    public int EventCount { get; private set; }

    public string? RunErrorCode { get; private set; }

    public bool ClientDisconnected { get; private set; }

    /// <summary>The request's record, created on first use (a bare SSE result outside the filter gets one that never completes).</summary>
    public static CopilotRequestState Get(HttpContext context)
    {
        if (context.Items.TryGetValue(Key, out var value) && value is CopilotRequestState state)
        {
            return state;
        }
        state = new CopilotRequestState();
        context.Items[Key] = state;
        return state;
    }

    /// <summary>Begins a handler request: starts its span and completes the record once the response has been sent.</summary>
    public static CopilotRequestState Begin(HttpContext http, CopilotRuntime runtime, ILogger logger)
    {
        var state = Get(http);
        state._activity = CopilotRuntimeTelemetry.ActivitySource.StartActivity("copilot.request");
        state._reconstructMessages = runtime.AfterRequestReadsMessages;
        http.Response.OnCompleted(() => state.CompleteAsync(http, runtime, logger));
        return state;
    }

    public void Dispatch(string method, string? agentId = null)
    {
        Dispatched = true;
        Method = method;
        // A connect replays history: counting it would read every stored event (a replay is written from the stored
        // JSON as is), six times the CPU of a 10k-event replay, for counts the built-in telemetry records only for runs.
        _countMessages = _reconstructMessages || method == "agent/run";
        AgentId = agentId;
        _activity?.SetTag("copilot.method", method);
        _activity?.SetTag("copilot.agent", agentId);
    }

    /// <summary>The thread (and run) the request is about, once parsed.</summary>
    public void Identify(string? threadId, string? runId = null)
    {
        ThreadId = threadId ?? ThreadId;
        RunId = runId ?? RunId;
    }

    /// <summary>The client went away before its response ended (logged at debug when the response completes).</summary>
    public void ClientGone() => ClientDisconnected = true;

    /// <summary>Counts an event written to the stream; reads its object only if it is needed (a stored run keeps JSON).</summary>
    public void Observe(in RunnerEvent item)
    {
        EventCount++;
        if (_countMessages)
        {
            (_reconstructor ??= new MessageReconstructor(keepContent: _reconstructMessages)).Observe(item.Event);
        }
        if (item.IsRunError && item.Event is RunErrorEvent error)
        {
            RunErrorCode = error.Code ?? "";
        }
    }

    private async Task CompleteAsync(HttpContext http, CopilotRuntime runtime, ILogger logger)
    {
        using var activity = _activity;
        if (activity is not null)
        {
            activity.SetTag("agui.thread_id", ThreadId);
            activity.SetTag("agui.run_id", RunId);
            activity.SetTag("agui.events.count", EventCount);
            activity.SetTag("http.response.status_code", http.Response.StatusCode);
            if (!string.IsNullOrEmpty(RunErrorCode))
            {
                activity.SetTag("agui.run.error_code", RunErrorCode);
                activity.SetStatus(ActivityStatusCode.Error, RunErrorCode);
            }
        }
        if (ClientDisconnected)
        {
            LogClientAborted(logger, http.Request.Path);
        }
        if (!Dispatched)
        {
            return;
        }
        // After-request middleware (metrics included) runs before the span ends, so it is part of it.
        await runtime.RunAfterRequestAsync(new AfterRequestContext
        {
            Path = http.Request.PathBase + http.Request.Path,
            Method = Method,
            AgentId = AgentId,
            StatusCode = http.Response.StatusCode,
            ResponseHeaders = http.Response.Headers,
            Messages = _reconstructMessages ? _reconstructor?.Messages() ?? [] : [],
            MessageCount = _reconstructor?.MessageCount ?? 0,
            ToolCallCount = _reconstructor?.ToolCallCount() ?? 0,
            ThreadId = ThreadId,
            RunId = RunId,
            EventCount = EventCount,
            RunErrorCode = RunErrorCode,
            Duration = Stopwatch.GetElapsedTime(_startTimestamp),
            ClientDisconnected = ClientDisconnected,
        });
    }

    [LoggerMessage(EventId = 32, Level = LogLevel.Debug, Message = "The client of {Path} went away before its response ended; a run it started goes on")]
    private static partial void LogClientAborted(ILogger logger, PathString path);
}
