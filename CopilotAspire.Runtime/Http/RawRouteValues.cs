using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CopilotAspire.Runtime.Http;

/// <summary>
/// The <c>{agentId}</c> and <c>{threadId}</c> of a REST route decoded as the official router does
/// (<c>decodeURIComponent</c> of each raw segment). ASP.NET Core leaves <c>%2F</c> encoded in route values, and the
/// official client sends <c>encodeURIComponent(threadId)</c>, so a thread id such as <c>user/42</c> needs this.
/// </summary>
internal static class RawRouteValues
{
    /// <summary>From <c>…/agent/{agentId}/run</c> or <c>…/agent/{agentId}/connect</c>: the second-last segment.</summary>
    public static string AgentId(HttpContext context) => Segment(context, 2, "agentId");

    /// <summary>The <c>{agentId}</c> of <c>…/agent/{agentId}/stop/{threadId}</c>: the third-last segment.</summary>
    public static string StopAgentId(HttpContext context) => Segment(context, 3, "agentId");

    /// <summary>The <c>{threadId}</c> of <c>…/agent/{agentId}/stop/{threadId}</c>: the last segment.</summary>
    public static string ThreadId(HttpContext context) => Segment(context, 1, "threadId");

    /// <summary>The <paramref name="fromEnd"/>-th last segment, decoded (a thread route's <c>{threadId}</c>).</summary>
    public static string SegmentFromEnd(HttpContext context, int fromEnd) => Segment(context, fromEnd, "threadId");

    // The route matched, so the raw path ends with the route's segments (empty ones dropped, as the router does).
    private static string Segment(HttpContext context, int fromEnd, string routeValue)
    {
        var segments = RawSegments(context);
        return segments.Length >= fromEnd ? Uri.UnescapeDataString(segments[^fromEnd]) : RouteValue(context, routeValue);
    }

    private static string[] RawSegments(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            raw = raw[..query];
        }
        if (Uri.TryCreate(raw, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            raw = absolute.AbsolutePath; // absolute-form request targets (proxies)
        }
        return raw.Split('/', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string RouteValue(HttpContext context, string name) => context.Request.RouteValues[name]?.ToString() ?? "";
}
