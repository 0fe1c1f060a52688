namespace CopilotAspire.Runtime.Http;

/// <summary>The body of <c>GET {base}/info</c>, fields in the official order.</summary>
public sealed record RuntimeInfo
{
    /// <summary>This library's version (<see cref="Hosting.CopilotRuntime.Version"/>).</summary>
    public required string Version { get; init; }
    /// <summary>Every agent a client may run, by id; the client reads it to know the agents.</summary>
    public required IReadOnlyDictionary<string, AgentInfo> Agents { get; init; }
    /// <summary>Whether <c>POST {base}/transcribe</c> works (a transcription service is registered).</summary>
    public required bool AudioFileTranscriptionEnabled { get; init; }
    /// <summary>
    /// Always <c>sse</c> (the official runtime's other mode, <c>intelligence</c>, is CopilotKit's cloud).
    /// </summary>
    public string Mode { get; init; } = "sse";
    /// <summary>Which <c>/threads</c> operations are served (wire spec §20.7).</summary>
    public required ThreadEndpointsInfo ThreadEndpoints { get; init; }
    /// <summary>On the single route only: its resource operations (<c>resource/request</c>) and the thread routes they reach.</summary>
    public SingleRouteInfo? SingleRoute { get; init; }
    /// <summary>Whether <c>POST {base}/agent/{id}/suggest</c> is served (wire spec §21): always, here.</summary>
    public bool Suggestions { get; init; }
    /// <summary>Always false: A2UI is not served.</summary>
    public bool A2uiEnabled { get; init; }
    /// <summary>Always false: open generative UI is not served.</summary>
    public bool OpenGenerativeUIEnabled { get; init; }
    /// <summary>
    /// Always true: nothing is sent to CopilotKit's telemetry (the runtime's own OpenTelemetry is separate).
    /// </summary>
    public bool TelemetryDisabled { get; init; } = true;
}
