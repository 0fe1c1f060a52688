using CopilotAspire.Bench.Load;
using CopilotAspire.Bench.Servers;

namespace CopilotAspire.Bench;

/// <summary>The remote-agent proxy row (<see cref="ProxyFigure"/>).</summary>
public sealed partial class BenchRunner
{
    public List<ProxyFigure> Proxies { get; } = [];

    private async Task MeasureProxyAsync(string fakeUrl, CancellationToken cancellationToken)
    {
        var c = options.ProxyConcurrency;
        var text = $"tokens:{options.Tokens}";
        var expected = options.Tokens + 4;
        await using var remote = await StartAsync(ServerKind.Ours, fakeUrl, null, cancellationToken);
        var remoteRun = new Uri(remote.BaseAddress, $"{BasePath}/agent/scripted/run").ToString();
        await using var proxy = await StartAsync(ServerKind.Ours, fakeUrl, null, cancellationToken, new Dictionary<string, string>
        {
            ["CopilotRuntime__Agents__remote__Type"] = "http",
            ["CopilotRuntime__Agents__remote__Url"] = remoteRun,
        });
        var prefix = Guid.NewGuid().ToString("N")[..8];

        async Task<(LoadFigure Figure, TimeSpan RemoteCpu)?> MeasureAsync(ServerProcess server, string agent, string label)
        {
            using var generator = new LoadGenerator(server.BaseAddress);
            var path = $"{BasePath}/agent/{agent}/run";
            var probe = await generator.SendAsync(path, LoadGenerator.RunBody($"probe-{label}-{prefix}", text), 0, new SseCounter(), new byte[32 * 1024], cancellationToken);
            if (!probe.Ok || probe.Events < expected)
            {
                Fail($"proxy row, {label}: the probe run failed ({probe.Error ?? $"{probe.Events} events, expected {expected}"})");
                return null;
            }
            await generator.RunAsync(path, c, options.Warmup, expected, (w, s) => LoadGenerator.RunBody($"w{label}{prefix}-{w}-{s}", text), cancellationToken);
            var rssStart = server.RssBytes();
            var cpuBefore = server.Cpu();
            var remoteBefore = remote.Cpu();
            var result = await generator.RunAsync(path, c, options.Duration, expected, (w, s) => LoadGenerator.RunBody($"m{label}{prefix}-{w}-{s}", text), cancellationToken);
            if (result.Failures > 0 || result.Runs == 0)
            {
                Fail($"proxy row, {label}: {result.Failures} of {result.Runs + result.Failures} runs failed, first: {result.FirstFailure}");
            }
            return (new LoadFigure(ServerKind.Ours, agent, result, rssStart, server.PeakRssBytes(), server.Cpu() - cpuBefore, server.StartupMs), remote.Cpu() - remoteBefore);
        }

        var direct = await MeasureAsync(remote, "scripted", "direct");
        var proxied = await MeasureAsync(proxy, "remote", "proxied");
        if (direct is null || proxied is null)
        {
            return;
        }
        var figure = new ProxyFigure(c, direct.Value.Figure, proxied.Value.Figure, proxied.Value.RemoteCpu);
        Proxies.Add(figure);
        log.WriteLine($"  proxy      scripted C={c,-3} first event added p50 {figure.AddedFirstEventMs(50):N2} ms p99 {figure.AddedFirstEventMs(99):N2} ms  " +
            $"proxy CPU {figure.Proxied.ServerCpuMicrosecondsPerRun:N0} µs/run, remote direct CPU {figure.Direct.ServerCpuMicrosecondsPerRun:N0} µs/run  " +
            $"(remote {figure.RemoteCpuWhileProxied.TotalMicroseconds / Math.Max(1, figure.Proxied.Result.Runs):N0} µs/run meanwhile)  " +
            $"runs/s direct {figure.Direct.Result.RunsPerSecond:N0} proxied {figure.Proxied.Result.RunsPerSecond:N0}");
    }
}
