namespace CopilotAspire.Runtime.Http;

/// <summary>The body of <c>GET {base}/info</c>, fields in the official order.</summary>
public sealed record RuntimeInfo
{
    public required string Version { get; init; }
    public required IReadOnlyDictionary<string, AgentInfo> Agents { get; init; }
    public required bool AudioFileTranscriptionEnabled { get; init; }
    public string Mode { get; init; } = "sse";
    public required ThreadEndpointsInfo ThreadEndpoints { get; init; }
    /// <summary>On the single route only: its resource operations (<c>resource/request</c>) and the thread routes they reach.</summary>
    public SingleRouteInfo? SingleRoute { get; init; }
    public bool Suggestions { get; init; }
    public bool A2uiEnabled { get; init; }
    public bool OpenGenerativeUIEnabled { get; init; }
    public bool TelemetryDisabled { get; init; } = true;
}
