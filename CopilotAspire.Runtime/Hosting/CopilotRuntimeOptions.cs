using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Runtime.Hosting;

/// <summary>The runtime's settings, bound from the <c>CopilotRuntime</c> configuration section and validated at start.</summary>
public sealed class CopilotRuntimeOptions
{
    /// <summary>The configuration section the options bind from: <c>CopilotRuntime</c>.</summary>
    public const string SectionName = "CopilotRuntime";

    /// <summary>Where the REST transport is mapped. Default <c>/api/copilotkit</c>.</summary>
    [Required]
    [RegularExpression("^/.*", ErrorMessage = "BasePath must start with '/'.")]
    public string BasePath { get; set; } = "/api/copilotkit";

    /// <summary>Where the single-route (JSON envelope) transport is mapped. Default <c>/api/copilotkit-single</c>.</summary>
    [Required]
    [RegularExpression("^/.*", ErrorMessage = "SingleRoutePath must start with '/'.")]
    public string SingleRoutePath { get; set; } = "/api/copilotkit-single";

    /// <summary>Seconds of silence after which an SSE stream gets a <c>: keep-alive</c> comment. Default 15; 0 turns it off.</summary>
    [Range(0, 2147483.647)]
    public double KeepAliveSeconds { get; set; } = 15;

    /// <summary>Largest JSON request body (run, connect, stop, envelopes) in bytes; larger gets 413. Default 10 MiB.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>Largest thread id accepted (longer gets 400). Default 256.</summary>
    [Range(1, 4096)]
    public int MaxThreadIdLength { get; set; } = 256;

    /// <summary>Deepest JSON nesting accepted in a request body (deeper gets 400). Default 64 (System.Text.Json's), at most 240.</summary>
    [Range(8, Protocol.AgUiJson.MaxRequestDepthLimit)]
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>
    /// How long a shutting-down server (SIGTERM, Ctrl-C) lets its running runs finish before it ends them with
    /// <c>RUN_ERROR {code: "RUN_INTERRUPTED"}</c>; new runs get 503 meanwhile. Default 10 s (2 s in Development), at
    /// most 10 minutes. The host's shutdown timeout is raised to fit it.
    /// </summary>
    [TimeSpanRange("00:00:00", "00:10:00")]
    public TimeSpan ShutdownGracePeriod { get; set; } = DefaultShutdownGracePeriod;

    /// <summary>The default <see cref="ShutdownGracePeriod"/>.</summary>
    public static TimeSpan DefaultShutdownGracePeriod { get; } = TimeSpan.FromSeconds(10);

    /// <summary>The default <see cref="ShutdownGracePeriod"/> in Development, so Ctrl-C answers quickly.</summary>
    public static TimeSpan DevelopmentShutdownGracePeriod { get; } = TimeSpan.FromSeconds(2);

    /// <summary>CORS of both transports (<c>CopilotRuntime:Cors</c>), validated with the rest.</summary>
    [ValidateObjectMembers]
    public CopilotCorsOptions Cors { get; set; } = new();

    /// <summary>Which request headers reach agents (<c>CopilotRuntime:ForwardHeaders</c>).</summary>
    public ForwardHeadersOptions ForwardHeaders { get; set; } = new();

    /// <summary>The keyless <c>scripted</c> agent (<c>CopilotRuntime:ScriptedAgent</c>).</summary>
    public ScriptedAgentOptions ScriptedAgent { get; set; } = new();

    /// <summary>The <c>/threads</c> routes (<c>CopilotRuntime:Threads</c>).</summary>
    [ValidateObjectMembers]
    public CopilotThreadsOptions Threads { get; set; } = new();
}
