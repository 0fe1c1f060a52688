namespace CopilotAspire.Bench;

/// <summary>
/// Runs through a proxy against calling its upstream directly, at one concurrency: the remote agent (ours →
/// <c>HttpAgent</c> → another of ours, its scripted agent) or the whole app's path (the web host's YARP → the Api).
/// The latency the proxy adds, its CPU per run, and the upstream's CPU meanwhile.
/// </summary>
public sealed record ProxyFigure(int Concurrency, LoadFigure Direct, LoadFigure Proxied, TimeSpan RemoteCpuWhileProxied)
{
    public double AddedFirstEventMs(double p) =>
        Report.Percentile(Proxied.Result.FirstEventMs, p) - Report.Percentile(Direct.Result.FirstEventMs, p);

    public double AddedTotalMs(double p) =>
        Report.Percentile(Proxied.Result.TotalMs, p) - Report.Percentile(Direct.Result.TotalMs, p);

    /// <summary>The upstream's CPU per run while proxied (µs).</summary>
    public double UpstreamCpuPerProxiedRunMicroseconds => RemoteCpuWhileProxied.TotalMicroseconds / Math.Max(1, Proxied.Result.Runs);
}
