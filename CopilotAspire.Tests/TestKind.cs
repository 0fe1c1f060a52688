namespace CopilotAspire.Tests;

/// <summary>
/// What a test class needs to run, so a kind can be run alone: <c>dotnet test --filter Category=Fast</c> (docs/testing.md).
/// Every test class names exactly one with <see cref="KindAttribute"/> (checked by <c>TestKindTests</c>).
/// </summary>
public enum TestKind
{
    /// <summary>
    /// No child process and no external tool: in-process code, and at most in-process Kestrel on loopback (the
    /// runtime's test host, the fake model server). Runs in seconds with nothing installed but the .NET SDK.
    /// </summary>
    Fast,

    /// <summary>
    /// Starts processes or external tools: redis-server, the Api or Transcriber as a process, node (official clients,
    /// the official runtime, MCP), ffmpeg, espeak-ng, a NativeAOT publish.
    /// </summary>
    Process,

    /// <summary>The Aspire app (AppHost, DCP, <c>eng/run.sh</c>); run under the fixed-ports lock.</summary>
    Aspire,

    /// <summary>The chat page in Chromium (Playwright); run under the fixed-ports lock.</summary>
    Browser,
}
