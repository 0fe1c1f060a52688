using CopilotAspire.Bench.Load;
using CopilotAspire.Bench.Servers;

namespace CopilotAspire.Bench;

/// <summary>The proxied rows (<see cref="ProxyFigure"/>): the remote agent, and the whole app's path through the web host.</summary>
public sealed partial class BenchRunner
{
    public List<ProxyFigure> Proxies { get; } = [];

    /// <summary>The whole-app-path row, one figure per round (<see cref="BenchOptions.Runs"/>).</summary>
    public List<ProxyFigure> AppPaths { get; } = [];

    private async Task MeasureProxyAsync(string fakeUrl, CancellationToken cancellationToken)
    {
        var c = options.ProxyConcurrency;
        await using var remote = await StartAsync(ServerKind.Ours, fakeUrl, null, cancellationToken);
        var remoteRun = new Uri(remote.BaseAddress, $"{BasePath}/agent/scripted/run").ToString();
        await using var proxy = await StartAsync(ServerKind.Ours, fakeUrl, null, cancellationToken, new Dictionary<string, string>
        {
            ["CopilotRuntime__Agents__remote__Type"] = "http",
            ["CopilotRuntime__Agents__remote__Url"] = remoteRun,
        });
        if (await MeasurePairAsync(remote, proxy, "remote", "proxied", c, options.ProxyWarmup, cancellationToken) is not { } figure)
        {
            return;
        }
        Proxies.Add(figure);
        log.WriteLine($"  proxy      scripted C={c,-3} first event added p50 {figure.AddedFirstEventMs(50):N2} ms p99 {figure.AddedFirstEventMs(99):N2} ms  " +
            $"proxy CPU {figure.Proxied.ServerCpuMicrosecondsPerRun:N0} µs/run, remote direct CPU {figure.Direct.ServerCpuMicrosecondsPerRun:N0} µs/run  " +
            $"(remote {figure.RemoteCpuWhileProxied.TotalMicroseconds / Math.Max(1, figure.Proxied.Result.Runs):N0} µs/run meanwhile)  " +
            $"runs/s direct {figure.Direct.Result.RunsPerSecond:N0} proxied {figure.Proxied.Result.RunsPerSecond:N0}");
    }

    /// <summary>
    /// The whole app's path: the chat page's host (<c>CopilotAspire.Web</c>, its YARP proxy configured as the AppHost
    /// configures it, but with the Api's address given directly instead of through DCP's proxy and service discovery)
    /// in front of one Api, against the same Api called directly, at <see cref="BenchOptions.AppPathConcurrency"/>;
    /// direct and proxied alternate for <see cref="BenchOptions.Runs"/> rounds on the same two processes.
    /// </summary>
    private async Task MeasureAppPathAsync(string fakeUrl, CancellationToken cancellationToken)
    {
        var web = options.WebDll ?? throw new InvalidOperationException("the whole-app-path row needs --web <CopilotAspire.Web.dll>");
        var c = options.AppPathConcurrency;
        await using var api = await StartAsync(ServerKind.Ours, fakeUrl, null, cancellationToken);
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["RuntimeProxy__ApiAddress"] = api.BaseAddress.GetLeftPart(UriPartial.Authority),
        };
        foreach (var (key, value) in options.WebEnvironment)
        {
            env[key] = value;
        }
        var webPath = Path.GetFullPath(web);
        await using var host = await ServerProcess.StartAsync("web", "dotnet", [webPath], Path.GetDirectoryName(webPath)!, env, BasePath + "/info", cancellationToken);
        for (var round = 1; round <= options.Runs; round++)
        {
            if (await MeasurePairAsync(api, host, "scripted", $"web{round}", c, options.Warmup, cancellationToken) is not { } figure)
            {
                return;
            }
            AppPaths.Add(figure);
            log.WriteLine($"  app path   scripted C={c,-3} round {round}: through the web host adds first event p50 {figure.AddedFirstEventMs(50):N2} ms " +
                $"p99 {figure.AddedFirstEventMs(99):N2} ms, total p50 {figure.AddedTotalMs(50):N2} ms p99 {figure.AddedTotalMs(99):N2} ms  " +
                $"web host CPU {figure.Proxied.ServerCpuMicrosecondsPerRun:N0} µs/run, Api {figure.UpstreamCpuPerProxiedRunMicroseconds:N0} µs/run meanwhile " +
                $"({figure.Direct.ServerCpuMicrosecondsPerRun:N0} direct)  runs/s direct {figure.Direct.Result.RunsPerSecond:N0} through the web host {figure.Proxied.Result.RunsPerSecond:N0}");
        }
    }

    /// <summary>
    /// The scripted agent of <paramref name="upstream"/> called directly, then <paramref name="frontAgent"/> through
    /// <paramref name="front"/> (which forwards to it): null when either failed its probe.
    /// </summary>
    private async Task<ProxyFigure?> MeasurePairAsync(ServerProcess upstream, ServerProcess front, string frontAgent, string label, int c,
        TimeSpan warmup, CancellationToken cancellationToken)
    {
        var direct = await MeasureThroughAsync(upstream, upstream, "scripted", "direct-" + label, c, warmup, cancellationToken);
        var proxied = await MeasureThroughAsync(front, upstream, frontAgent, label, c, warmup, cancellationToken);
        return direct is null || proxied is null ? null : new ProxyFigure(c, direct.Value.Figure, proxied.Value.Figure, proxied.Value.UpstreamCpu);
    }

    /// <summary>
    /// Scripted runs against <paramref name="server"/> (the front) at <paramref name="c"/>: its load figure and the CPU
    /// <paramref name="upstream"/> spent meanwhile (the same process when called directly).
    /// </summary>
    private async Task<(LoadFigure Figure, TimeSpan UpstreamCpu)?> MeasureThroughAsync(ServerProcess server, ServerProcess upstream, string agent, string label, int c,
        TimeSpan warmup, CancellationToken cancellationToken)
    {
        var text = $"tokens:{options.Tokens}";
        var expected = options.Tokens + 4;
        var prefix = Guid.NewGuid().ToString("N")[..8];
        using var generator = new LoadGenerator(server.BaseAddress);
        var path = $"{BasePath}/agent/{agent}/run";
        var probe = await generator.SendAsync(path, LoadGenerator.RunBody($"probe-{label}-{prefix}", text), 0, new SseCounter(), new byte[32 * 1024], cancellationToken);
        if (!probe.Ok || probe.Events < expected)
        {
            Fail($"{label}: the probe run failed ({probe.Error ?? $"{probe.Events} events, expected {expected}"})");
            return null;
        }
        await generator.RunAsync(path, c, warmup, expected, (w, s) => LoadGenerator.RunBody($"w{label}{prefix}-{w}-{s}", text), cancellationToken);
        var rssStart = server.RssBytes();
        var cpuBefore = server.Cpu();
        var upstreamBefore = upstream.Cpu();
        var result = await generator.RunAsync(path, c, options.Duration, expected, (w, s) => LoadGenerator.RunBody($"m{label}{prefix}-{w}-{s}", text), cancellationToken);
        if (result.Failures > 0 || result.Runs == 0)
        {
            Fail($"{label}: {result.Failures} of {result.Runs + result.Failures} runs failed, first: {result.FirstFailure}");
        }
        return (new LoadFigure(ServerKind.Ours, agent, result, rssStart, server.PeakRssBytes(), server.Cpu() - cpuBefore, server.StartupMs), upstream.Cpu() - upstreamBefore);
    }
}
