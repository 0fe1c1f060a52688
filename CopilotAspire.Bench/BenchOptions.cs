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

    /// <summary>
    /// The warm-up of each side of the proxy row (<c>--proxy-warmup S</c>, default 10 s): a proxied run goes through
    /// code a scripted run never touches (the HTTP client, the SSE reader), and on the JIT build its tier-1 compilation
    /// went on for over 10 s at C=16, a third of the proxy's CPU in a 4 s figure taken after 1 s.
    /// </summary>
    public TimeSpan ProxyWarmup { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The chat page's host, published (<c>CopilotAspire.Web.dll</c>): when set, the whole-app-path row runs (a run
    /// through its YARP proxy against one straight to the Api).
    /// </summary>
    public string? WebDll { get; init; }

    /// <summary>Measure only the whole-app-path row (<c>--app-path-only</c>).</summary>
    public bool AppPathOnly { get; init; }

    /// <summary>The concurrency of the whole-app-path row.</summary>
    public int AppPathConcurrency { get; init; } = 16;

    /// <summary>Extra environment for the web host in the whole-app-path row (<c>--web-env K=V</c>), for A/B runs.</summary>
    public IReadOnlyDictionary<string, string> WebEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Measure only the ceiling rows (<c>--ceiling-only</c>): ours, bare Kestrel flushed per frame and coalesced.</summary>
    public bool CeilingOnly { get; init; }

    /// <summary>
    /// How often the repeated figures are taken (<c>--runs N</c>, default 3): the ceiling rows and the whole-app-path
    /// row, each round on fresh servers, so the report shows their spread; and the thread-list row's A/B rounds (ours and
    /// the baseline alternating) when <c>--baseline</c> is given.
    /// </summary>
    public int Runs { get; init; } = 3;

    /// <summary>Only the scripted load rows of the official runtime, ours and the baseline (<c>--scripted-only</c>), e.g. for RSS A/B runs.</summary>
    public bool ScriptedOnly { get; init; }

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
        string? api = null, official = null, output = null, baseline = null, web = null;
        var appPathOnly = false;
        var ceilingOnly = false;
        var scriptedOnly = false;
        var runs = 3;
        var webEnv = new Dictionary<string, string>();
        var quick = false;
        var redis = true;
        var ceiling = true;
        var proxy = true;
        var proxyOnly = false;
        var threadListOnly = false;
        var runnerOnly = false;
        int[]? concurrency = null;
        double? seconds = null;
        double? proxyWarmup = null;
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
                case "--web": web = Next(); break;
                case "--app-path-only": appPathOnly = true; break;
                case "--ceiling-only": ceilingOnly = true; break;
                case "--scripted-only": scriptedOnly = true; break;
                case "--runs": runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;

                case "--thread-list-only": threadListOnly = true; break;
                case "--runner-only": runnerOnly = true; break;
                case "--concurrency": concurrency = [.. Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]; break;
                case "--seconds": seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--proxy-warmup": proxyWarmup = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--ours-env" or "--baseline-env" or "--web-env":
                    var target = args[i] switch { "--ours-env" => env, "--web-env" => webEnv, _ => baselineEnv };
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
            WebDll = web,
            AppPathOnly = appPathOnly,
            WebEnvironment = webEnv,
            CeilingOnly = ceilingOnly,
            ScriptedOnly = scriptedOnly,
            Runs = runs >= 1 ? runs : throw new ArgumentException("--runs needs at least 1"),
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
                ProxyWarmup = TimeSpan.FromSeconds(0.3),
                ReplaySizes = [1_000, 10_000],
                ReplayRepeats = 3,
            };
        }
        if (concurrency is not null)
        {
            options = options with { Concurrency = concurrency };
        }
        if (proxyWarmup is { } w)
        {
            options = options with { ProxyWarmup = w >= 0 ? TimeSpan.FromSeconds(w) : throw new ArgumentException("--proxy-warmup needs 0 or more seconds") };
        }
        if (seconds is { } s)
        {
            options = options with { Duration = TimeSpan.FromSeconds(s) };
        }
        return options;
    }
}
