using CopilotAspire.Testing;
using CopilotAspire.Bench.Load;
using CopilotAspire.Bench.Servers;

namespace CopilotAspire.Bench;

/// <summary>A server configuration the benchmark can start fresh.</summary>
public enum ServerKind
{
    Official,
    Ours,
    OursRedis,
    /// <summary>Bare Kestrel writing the same frames, flushed per frame.</summary>
    Ceiling,

    /// <summary>Bare Kestrel writing the same frames into the response's buffer, flushed once per run.</summary>
    CeilingCoalesced,

    /// <summary>Another build of ours (<c>--baseline</c>), for A/B comparisons in the same run.</summary>
    Baseline,

    /// <summary>The baseline build with the Redis runner (<c>--runner-only --baseline</c>): the Redis runner's cost A/B.</summary>
    BaselineRedis,
}

/// <summary>One load measurement on a fresh server.</summary>
public sealed record LoadFigure(ServerKind Server, string Agent, LoadResult Result, long RssStart, long RssPeak, TimeSpan ServerCpu, double StartupMs)
{
    /// <summary>
    /// Per completed run, for the Redis runner: Redis commands (all, and scripts), redis-server's CPU (its process), and
    /// the commandstats microseconds of scripts and of other commands (see <see cref="RedisCommandCounts"/>).
    /// </summary>
    public (double Commands, double Scripts, double CpuMicroseconds, double ScriptUsec, double OtherUsec)? RedisPerRun { get; init; }

    /// <summary>The load generator's share of the CPU that it and the server used.</summary>
    public double GeneratorShare => Result.GeneratorCpu / (Result.GeneratorCpu + ServerCpu);

    /// <summary>Server CPU time per completed run: steadier than wall-clock rates on a shared machine.</summary>
    public double ServerCpuMicrosecondsPerRun => Result.Runs == 0 ? double.NaN : ServerCpu.TotalMicroseconds / Result.Runs;
}

/// <summary><c>connect</c> replay of a thread holding <see cref="Size"/> stored events.</summary>
public sealed record ReplayFigure(ServerKind Server, int Size, int Events, double P50Ms, double MinMs, double CpuMsPerReplay, string? Failure);

/// <summary>Runs the matrix: each configuration on a fresh server, one after the other, on loopback.</summary>
public sealed partial class BenchRunner(BenchOptions options, TextWriter log)
{
    public const string BasePath = "/api/copilotkit";

    public List<LoadFigure> Loads { get; } = [];

    public List<ReplayFigure> Replays { get; } = [];

    public List<string> Failures { get; } = [];

    public List<ThreadListFigure> ThreadLists { get; } = [];

    /// <summary>The thread-list row's concurrency and page size.</summary>
    public const int ThreadListConcurrency = 16;

    public const int ThreadListPageSize = 50;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var fake = await ServerProcess.StartAsync("fake model", "dotnet", [options.BenchDll, "serve-fake", Tokens()],
            AppContext.BaseDirectory, new Dictionary<string, string>(), readyPath: null, cancellationToken);
        var fakeUrl = fake.BaseAddress.GetLeftPart(UriPartial.Authority) + "/v1";
        if (options.ProxyOnly)
        {
            await MeasureProxyAsync(fakeUrl, cancellationToken);
            return;
        }
        if (options.ThreadListOnly)
        {
            await MeasureThreadListAsync(fakeUrl, cancellationToken);
            return;
        }
        if (options.AppPathOnly)
        {
            await MeasureAppPathAsync(fakeUrl, cancellationToken);
            return;
        }
        if (options.CeilingOnly)
        {
            await MeasureCeilingAsync(fakeUrl, cancellationToken);
            return;
        }

        if (options.RunnerOnly)
        {
            foreach (var c in options.Concurrency)
            {
                await MeasureLoadAsync(ServerKind.Ours, "scripted", c, fakeUrl, cancellationToken);
                await MeasureLoadAsync(ServerKind.OursRedis, "scripted", c, fakeUrl, cancellationToken);
                if (options.BaselineDll is not null)
                {
                    await MeasureLoadAsync(ServerKind.BaselineRedis, "scripted", c, fakeUrl, cancellationToken);
                }
            }
            return;
        }
        ServerKind[] baseline = options.BaselineDll is null ? [] : [ServerKind.Baseline];
        List<ServerKind> scripted = [ServerKind.Official, ServerKind.Ours, .. baseline];
        if (options.Redis && !options.ScriptedOnly)
        {
            scripted.Add(ServerKind.OursRedis);
        }
        foreach (var c in options.Concurrency)
        {
            foreach (var kind in scripted)
            {
                await MeasureLoadAsync(kind, "scripted", c, fakeUrl, cancellationToken);
            }
        }
        if (options.ScriptedOnly)
        {
            return;
        }
        if (options.Ceiling)
        {
            await MeasureCeilingAsync(fakeUrl, cancellationToken);
        }
        foreach (var c in options.Concurrency)
        {
            foreach (var kind in (ServerKind[])[ServerKind.Official, ServerKind.Ours, .. baseline])
            {
                await MeasureLoadAsync(kind, "default", c, fakeUrl, cancellationToken);
            }
        }
        ServerKind[] redis = options.Redis ? [ServerKind.OursRedis] : [];
        foreach (var kind in (ServerKind[])[ServerKind.Official, ServerKind.Ours, .. baseline, .. redis])
        {
            await MeasureReplayAsync(kind, fakeUrl, cancellationToken);
        }
        if (options.Proxy)
        {
            await MeasureProxyAsync(fakeUrl, cancellationToken);
        }
        if (options.WebDll is not null)
        {
            await MeasureAppPathAsync(fakeUrl, cancellationToken);
        }

        if (options.Redis)
        {
            await MeasureThreadListAsync(fakeUrl, cancellationToken);
        }
    }

    /// <summary>
    /// A page of <c>GET /threads</c> with <see cref="BenchOptions.ThreadListThreads"/> threads in one scope on Redis, at C=16.
    /// With <c>--baseline</c>, ours and the baseline alternate on the same seeded redis-server for <see cref="BenchOptions.Runs"/>
    /// rounds (A/B: the list is read-only, so each server meets the same data).
    /// </summary>
    private async Task MeasureThreadListAsync(string fakeUrl, CancellationToken cancellationToken)
    {
        await using var redis = await RedisServer.StartAsync(cancellationToken);
        await ThreadListLoad.SeedAsync(redis, options.ThreadListThreads, cancellationToken);
        ServerKind[] kinds = options.BaselineDll is null ? [ServerKind.OursRedis] : [ServerKind.OursRedis, ServerKind.BaselineRedis];
        var rounds = options.BaselineDll is null ? 1 : options.Runs;
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var kind in kinds)
            {
                await using var server = await StartAsync(kind, fakeUrl, redis, cancellationToken);
                var figure = await ThreadListLoad.MeasureAsync(server.BaseAddress, BasePath, options.ThreadListThreads, ThreadListConcurrency, ThreadListPageSize,
                    options.Warmup, options.Duration, () => (server.Cpu(), ChildProcess.ProcessCpu(redis.ProcessId)), cancellationToken) with
                {
                    Server = kind == ServerKind.BaselineRedis ? "baseline" : "ours",
                    Round = round,
                };
                ThreadLists.Add(figure);
                if (figure.Failures > 0 || figure.Pages == 0)
                {
                    Fail($"thread list ({figure.Server}): {figure.Failures} of {figure.Pages + figure.Failures} pages failed, first: {figure.FirstFailure}");
                }
                log.WriteLine($"  {kind,-13} thread list, {figure.Threads:N0} threads, C={figure.Concurrency}, round {round}: {figure.PagesPerSecond:N0} pages/s, " +
                    $"page p50 {Report.Percentile(figure.PageMs, 50):N2} ms p99 {Report.Percentile(figure.PageMs, 99):N2} ms, CPU per page: Api {figure.CpuPerPage.ApiMicroseconds:N0} µs, " +
                    $"redis-server {figure.CpuPerPage.RedisMicroseconds:N0} µs, load {Report.LoadAverage()}, failures {figure.Failures}");
            }
        }
    }

    private string Tokens() => options.Tokens.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>One load figure on a fresh server, kept in <paramref name="into"/> (default <see cref="Loads"/>); null when its probe run failed.</summary>
    private async Task<LoadFigure?> MeasureLoadAsync(ServerKind kind, string agent, int concurrency, string fakeUrl, CancellationToken cancellationToken,
        List<LoadFigure>? into = null)
    {
        await using var redis = kind is ServerKind.OursRedis or ServerKind.BaselineRedis ? await RedisServer.StartAsync(cancellationToken) : null;
        await using var server = await StartAsync(kind, fakeUrl, redis, cancellationToken);
        var rssStart = server.RssBytes();
        using var generator = new LoadGenerator(server.BaseAddress);
        var path = $"{BasePath}/agent/{agent}/run";
        var text = agent == "scripted" ? $"tokens:{options.Tokens}" : "hi";
        var minimum = options.Tokens + 4;
        var probe = await generator.SendAsync(path, LoadGenerator.RunBody("probe-" + Guid.NewGuid().ToString("N"), text), 0, new SseCounter(), new byte[32 * 1024], cancellationToken);
        if (!probe.Ok || probe.Events < minimum)
        {
            Fail($"{kind} {agent}: the probe run failed ({probe.Error ?? $"{probe.Events} events, expected at least {minimum}"})");
            return null;
        }
        var expected = agent == "scripted" ? minimum : probe.Events;
        var prefix = Guid.NewGuid().ToString("N")[..8];
        await generator.RunAsync(path, concurrency, options.Warmup, expected, (w, s) => LoadGenerator.RunBody($"w{prefix}-{w}-{s}", text), cancellationToken);
        var cpuBefore = server.Cpu();
        var redisBefore = redis is null ? default : await redis.CommandCountsAsync(cancellationToken);
        var redisCpuBefore = redis is null ? default : ChildProcess.ProcessCpu(redis.ProcessId);
        var result = await generator.RunAsync(path, concurrency, options.Duration, expected, (w, s) => LoadGenerator.RunBody($"m{prefix}-{w}-{s}", text), cancellationToken);
        var figure = new LoadFigure(kind, agent, result, rssStart, server.PeakRssBytes(), server.Cpu() - cpuBefore, server.StartupMs);
        if (redis is not null && result.Runs > 0)
        {
            // Counted after the runs' streams ended: a run's last write (storing it) may still be on its way, so the
            // counts are read until they stop changing.
            var after = await redis.SettledCommandCountsAsync(cancellationToken);
            var redisCpu = ChildProcess.ProcessCpu(redis.ProcessId) - redisCpuBefore;
            double runs = result.Runs;
            figure = figure with
            {
                RedisPerRun = ((after.Commands - redisBefore.Commands) / runs, (after.Scripts - redisBefore.Scripts) / runs, redisCpu.TotalMicroseconds / runs,
                    (after.ScriptUsec - redisBefore.ScriptUsec) / runs, (after.OtherUsec - redisBefore.OtherUsec) / runs),
            };
            var perRun = figure.RedisPerRun.Value;
            log.WriteLine($"  Redis: {perRun.Commands:N2} commands per run, of which {perRun.Scripts:N2} Lua scripts; redis-server CPU {perRun.CpuMicroseconds:N1} µs/run " +
                $"(commandstats: scripts {perRun.ScriptUsec:N1} µs, other commands {perRun.OtherUsec:N1} µs, the scripts' inner ones included)");
        }
        (into ?? Loads).Add(figure);
        if (result.Failures > 0 || result.Runs == 0)
        {
            Fail($"{kind} {agent} C={concurrency}: {result.Failures} of {result.Runs + result.Failures} runs failed, first: {result.FirstFailure}");
        }
        log.WriteLine($"  {kind,-10} {agent,-8} C={concurrency,-3} {result.RunsPerSecond,9:N0} runs/s {result.EventsPerSecond,11:N0} events/s  " +
            $"total p50 {Report.Percentile(result.TotalMs, 50):N1} ms p99 {Report.Percentile(result.TotalMs, 99):N1} ms  RSS peak {figure.RssPeak / 1048576.0:N0} MiB  " +
            $"server CPU {figure.ServerCpuMicrosecondsPerRun:N0} µs/run  load generator {figure.GeneratorShare:P0} of CPU  failures {result.Failures}");
        return figure;
    }

    private async Task MeasureReplayAsync(ServerKind kind, string fakeUrl, CancellationToken cancellationToken)
    {
        await using var redis = kind == ServerKind.OursRedis ? await RedisServer.StartAsync(cancellationToken) : null;
        await using var server = await StartAsync(kind, fakeUrl, redis, cancellationToken);
        using var generator = new LoadGenerator(server.BaseAddress);
        var counter = new SseCounter();
        var buffer = new byte[64 * 1024];
        foreach (var size in options.ReplaySizes)
        {
            var thread = $"replay-{size}-{Guid.NewGuid():N}";
            var fill = await generator.SendAsync($"{BasePath}/agent/scripted/run", LoadGenerator.RunBody(thread, $"events:{size}"), size - 2 - ((size - 2) % 3) + 2, counter, buffer, cancellationToken);
            if (!fill.Ok)
            {
                Fail($"{kind} replay {size}: the filling run failed: {fill.Error}");
                continue;
            }
            var times = new List<double>();
            string? failure = null;
            var cpu = TimeSpan.Zero;
            for (var i = 0; i < options.ReplayRepeats + 1; i++)
            {
                var cpuBefore = server.Cpu();
                var replay = await generator.SendAsync($"{BasePath}/agent/scripted/connect", LoadGenerator.ConnectBody(thread), fill.Events, counter, buffer, cancellationToken);
                if (!replay.Ok)
                {
                    failure ??= replay.Error;
                }
                else if (i > 0)
                {
                    times.Add(replay.TotalMs);
                    cpu += server.Cpu() - cpuBefore;
                }
            }
            if (failure is not null)
            {
                Fail($"{kind} replay {size}: {failure}");
            }
            times.Sort();
            var figure = new ReplayFigure(kind, size, fill.Events, times.Count > 0 ? Report.Percentile([.. times], 50) : double.NaN, times.Count > 0 ? times[0] : double.NaN,
                times.Count > 0 ? cpu.TotalMilliseconds / times.Count : double.NaN, failure);
            Replays.Add(figure);
            log.WriteLine($"  {kind,-10} connect replay of {fill.Events} events: p50 {figure.P50Ms:N1} ms, min {figure.MinMs:N1} ms, server CPU {figure.CpuMsPerReplay:N1} ms per replay");
        }
    }

    private void Fail(string message)
    {
        Failures.Add(message);
        log.WriteLine("  FAILED: " + message);
    }

    private async Task<ServerProcess> StartAsync(ServerKind kind, string fakeUrl, RedisServer? redis, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        var readyPath = BasePath + "/info";
        switch (kind)
        {
            case ServerKind.Official:
                return await ServerProcess.StartAsync("official", "node", ["server.mjs"], options.OfficialDirectory, new Dictionary<string, string>
                {
                    ["PORT"] = "0",
                    ["NODE_ENV"] = "production",
                    ["OPENAI_BASE_URL"] = fakeUrl,
                    ["OPENAI_API_KEY"] = "bench",
                    ["COPILOTKIT_TELEMETRY_DISABLED"] = "true",
                }, readyPath, cancellationToken);
            case ServerKind.Ceiling or ServerKind.CeilingCoalesced:
                string[] ceiling = kind == ServerKind.Ceiling ? [options.BenchDll, "serve-ceiling", Tokens()] : [options.BenchDll, "serve-ceiling", Tokens(), "coalesced"];
                return await ServerProcess.StartAsync(kind.ToString(), "dotnet", ceiling, AppContext.BaseDirectory,
                    new Dictionary<string, string>(), readyPath, cancellationToken);
            default:
                var env = new Dictionary<string, string>
                {
                    ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                    ["ASPNETCORE_ENVIRONMENT"] = "Production",
                    ["OPENAI_BASE_URL"] = fakeUrl,
                    ["OPENAI_API_KEY"] = "bench",
                };
                if (redis is not null)
                {
                    env["CopilotRuntime__Runner"] = "Redis";
                    env["ConnectionStrings__redis"] = redis.ConnectionString;
                }
                foreach (var (key, value) in (kind is ServerKind.Baseline or ServerKind.BaselineRedis ? options.BaselineEnvironment : options.OursEnvironment).Concat(extraEnvironment ?? new Dictionary<string, string>()))
                {
                    env[key] = value;
                }
                // A published build: CopilotAspire.Api.dll runs under `dotnet`; the NativeAOT executable runs itself.
                var api = Path.GetFullPath(kind is ServerKind.Baseline or ServerKind.BaselineRedis ? options.BaselineDll! : options.ApiDll);
                var (fileName, arguments) = api.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ("dotnet", new[] { api }) : (api, []);
                return await ServerProcess.StartAsync(kind.ToString(), fileName, arguments, Path.GetDirectoryName(api)!, env, readyPath, cancellationToken);
        }
    }
}
