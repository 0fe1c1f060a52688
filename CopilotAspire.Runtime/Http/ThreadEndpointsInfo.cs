namespace CopilotAspire.Runtime.Http;

/// <summary>
/// <c>/info</c>'s <c>threadEndpoints</c> (wire spec §20.7): which <c>/threads</c> operations this runtime serves. All
/// true but <paramref name="RealtimeMetadata"/> when the runner stores threads and the thread routes are on; all false
/// otherwise (and on the single route, which reports them in <see cref="SingleRouteInfo"/>).
/// </summary>
/// <param name="List">Listing threads (<c>GET {base}/threads</c>).</param>
/// <param name="Inspect">Reading a thread's messages (<c>GET {base}/threads/{id}/messages</c>).</param>
/// <param name="Mutations">Renaming, archiving and deleting threads.</param>
/// <param name="RealtimeMetadata">Live thread updates over a socket (never: the official Intelligence mode's).</param>
public sealed record ThreadEndpointsInfo(bool List, bool Inspect, bool Mutations, bool RealtimeMetadata);
