using System.Diagnostics;
using CopilotAspire.Runtime.Middleware;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Runtime.Http;

/// <summary>What one runtime request did, gathered for after-request middleware and telemetry.</summary>
internal sealed class CopilotRequestState
{
    private static readonly object Key = new();

    public long StartTimestamp { get; } = Stopwatch.GetTimestamp();

    /// <summary>The request reached a handler (after-request middleware runs only then).</summary>
    public bool Dispatched { get; private set; }

    public string Method { get; private set; } = "";

    public string? AgentId { get; private set; }

    public string? ThreadId { get; set; }

    public string? RunId { get; set; }

    public int EventCount { get; private set; }

    public string? RunErrorCode { get; private set; }

    public bool ClientDisconnected { get; set; }

    public MessageReconstructor? Reconstructor { get; private set; }

    public Activity? Activity { get; set; }

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

    public void Dispatch(string method, string? agentId = null)
    {
        Dispatched = true;
        Method = method;
        AgentId = agentId;
        Activity?.SetTag("copilot.method", method);
        Activity?.SetTag("copilot.agent", agentId);
    }

    /// <summary>Rebuild the stream's messages with their content (<see cref="AfterRequestContext.Messages"/>): only when some middleware reads them; otherwise only counted.</summary>
    public bool ReconstructMessages { get; set; }

    /// <summary>Counts an event written to the stream; reads its object only if it is needed (a stored run keeps JSON).</summary>
    public void Observe(in RunnerEvent item)
    {
        EventCount++;
        (Reconstructor ??= new MessageReconstructor(keepContent: ReconstructMessages)).Observe(item.Event);
        if (item.IsRunError && item.Event is RunErrorEvent error)
        {
            RunErrorCode = error.Code ?? "";
        }
    }
}
