using System.Globalization;

namespace CopilotAspire.Bench;

/// <summary>What to measure; <see cref="Parse"/> reads the command line of <c>eng/bench.sh</c>.</summary>
public sealed record BenchOptions
{
    /// <summary>
    /// Our published Api: <c>CopilotAspire.Api.dll</c> (run with <c>dotnet</c>) or the NativeAOT executable
    /// <c>CopilotAspire.Api</c> (run itself).
    /// </summary>
    public required string ApiDll { get; init; }

    /// <summary>The folder of <c>server.mjs</c> with its <c>node_modules</c> installed (<c>npm ci</c>).</summary>
    public required string OfficialDirectory { get; init; }

    /// <summary>This program's dll (for the ceiling and fake-model child processes).</summary>
    public string BenchDll { get; init; } = typeof(BenchOptions).Assembly.Location;

    public IReadOnlyList<int> Concurrency { get; init; } = [1, 16, 64];

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(4);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Tokens per run (scripted <c>tokens:N</c>; text deltas of the fake model for <c>default</c>).</summary>
    public int Tokens { get; init; } = 200;

    public IReadOnlyList<int> ReplaySizes { get; init; } = [1_000, 10_000];

    public int ReplayRepeats { get; init; } = 15;

    public bool Redis { get; init; } = true;

    public bool Ceiling { get; init; } = true;

    /// <summary>Measure the remote-agent proxy row (ours proxying to another of ours, against calling it directly).</summary>
    public bool Proxy { get; init; } = true;

    /// <summary>Measure only the proxy row (<c>--proxy-only</c>).</summary>
    public bool ProxyOnly { get; init; }

    /// <summary>The concurrency of the proxy row.</summary>
    public int ProxyConcurrency { get; init; } = 16;

    /// <summary>Threads in the scope of the thread-list row (Redis). Default 100,000.</summary>
    public int ThreadListThreads { get; init; } = 100_000;

    /// <summary>Measure only the thread-list row (<c>--thread-list-only</c>).</summary>
    public bool ThreadListOnly { get; init; }

    /// <summary>
    /// Measure only the scripted runs of ours, in-memory and Redis (<c>--runner-only</c>): the Redis runner's cost per run
    /// beside the in-memory one's.
    /// </summary>
    public bool RunnerOnly { get; init; }

    /// <summary>Extra environment for our server (e.g. <c>DOTNET_gcServer=0</c>), for A/B runs.</summary>
    public IReadOnlyDictionary<string, string> OursEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra environment for the baseline server only (e.g. a GC setting to compare with the same build).</summary>
    public IReadOnlyDictionary<string, string> BaselineEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Another build (<c>CopilotAspire.Api.dll</c>, or the NativeAOT executable) measured beside ours (A/B), when set.</summary>
    public string? BaselineDll { get; init; }

    /// <summary>Where the Markdown table is written (besides stdout); none when null.</summary>
    public string? Output { get; init; }

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        string? api = null, official = null, output = null, baseline = null;
        var quick = false;
        var redis = true;
        var ceiling = true;
        var proxy = true;
        var proxyOnly = false;

        var threadListOnly = false;
        var runnerOnly = false;
        int[]? concurrency = null;
        double? seconds = null;
        var env = new Dictionary<string, string>();
        var baselineEnv = new Dictionary<string, string>();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--api": api = Next(); break;
                case "--official": official = Next(); break;
                case "--out": output = Next(); break;
                case "--baseline": baseline = Next(); break;
                case "--quick": quick = true; break;
                case "--no-redis": redis = false; break;
                case "--no-ceiling": ceiling = false; break;
                case "--no-proxy": proxy = false; break;
                case "--proxy-only": proxyOnly = true; break;

                case "--thread-list-only": threadListOnly = true; break;
                case "--runner-only": runnerOnly = true; break;
                case "--concurrency": concurrency = [.. Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]; break;
                case "--seconds": seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--ours-env" or "--baseline-env":
                    var target = args[i] == "--ours-env" ? env : baselineEnv;
                    var kv = Next().Split('=', 2);
                    target[kv[0]] = kv.Length > 1 ? kv[1] : "";
                    break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }
        var options = new BenchOptions
        {
            ApiDll = api ?? throw new ArgumentException("--api <CopilotAspire.Api.dll or the NativeAOT CopilotAspire.Api> is required"),
            OfficialDirectory = official ?? throw new ArgumentException("--official <folder of server.mjs> is required"),
            Output = output,
            BaselineDll = baseline,
            Redis = redis,
            Ceiling = ceiling,
            Proxy = proxy,
            ProxyOnly = proxyOnly,

            ThreadListOnly = threadListOnly,
            RunnerOnly = runnerOnly,
            OursEnvironment = env,
            BaselineEnvironment = baselineEnv,
        };
        if (quick)
        {
            options = options with
            {
                Concurrency = [1, 16],
                Duration = TimeSpan.FromSeconds(1),
                Warmup = TimeSpan.FromSeconds(0.3),
                ReplaySizes = [1_000, 10_000],
                ReplayRepeats = 3,
            };
        }
        if (concurrency is not null)
        {
            options = options with { Concurrency = concurrency };
        }
        if (seconds is { } s)
        {
            options = options with { Duration = TimeSpan.FromSeconds(s) };
        }
        return options;
    }
}
