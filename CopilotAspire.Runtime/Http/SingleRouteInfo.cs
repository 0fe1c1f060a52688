namespace CopilotAspire.Runtime.Http;

/// <summary>The <c>singleRoute</c> block of <c>/info</c> on the single route: <c>{resourceOperations, threadEndpoints}</c>.</summary>
public sealed record SingleRouteInfo(bool ResourceOperations, ThreadEndpointsInfo ThreadEndpoints);
