namespace CopilotAspire.Bench;

/// <summary>
/// A remote agent proxied (ours → <c>HttpAgent</c> → another of ours, its scripted agent) against calling the remote
/// directly, at one concurrency: the first-event latency the proxy adds, and its CPU per run beside the remote's own
/// CPU per (in-process scripted) run.
/// </summary>
public sealed record ProxyFigure(int Concurrency, LoadFigure Direct, LoadFigure Proxied, TimeSpan RemoteCpuWhileProxied)
{
    public double AddedFirstEventMs(double p) =>
        Report.Percentile(Proxied.Result.FirstEventMs, p) - Report.Percentile(Direct.Result.FirstEventMs, p);
}
