namespace CopilotAspire.Runtime.Http;

public sealed record ThreadEndpointsInfo(bool List, bool Inspect, bool Mutations, bool RealtimeMetadata);
