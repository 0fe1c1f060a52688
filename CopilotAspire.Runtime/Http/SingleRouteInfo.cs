namespace CopilotAspire.Runtime.Http;

/// <summary>The <c>singleRoute</c> block of <c>/info</c> on the single route: <c>{resourceOperations, threadEndpoints}</c>.</summary>
/// <param name="ResourceOperations">Always true: the envelope's <c>resource/request</c> method is served.</param>
/// <param name="ThreadEndpoints">The thread operations reachable through it (as the REST transport's).</param>
public sealed record SingleRouteInfo(bool ResourceOperations, ThreadEndpointsInfo ThreadEndpoints);
