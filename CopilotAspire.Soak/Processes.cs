using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CopilotAspire.Soak;

/// <summary>
/// The processes a scenario starts (Api replicas, redis-server), each on loopback, each stopped by its own pid
/// (<see cref="ChildProcess"/>, never by name) when the scenario ends, whatever happens.
/// </summary>
internal sealed class Processes : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _started = [];
    private readonly List<TextWriter> _logs = [];

    /// <summary>Settings every Api process gets on top of the scenario's (<c>--api-env KEY=VALUE;…</c>: A/B runs of runtime knobs).</summary>
    public static IReadOnlyDictionary<string, string> ApiEnvironment { get; set; } = new Dictionary<string, string>();

    public async Task<ApiNode> StartApiAsync(string apiDll, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("dotnet");
        info.ArgumentList.Add(apiDll);
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        info.Environment["Logging__LogLevel__CopilotAspire.Api.Hosting.MemoryReclaimer"] = "Information";
        foreach (var (key, value) in environment.Concat(ApiEnvironment))
        {
            info.Environment[key] = value;
        }
        var gc = new System.Runtime.CompilerServices.StrongBox<string>("not reported");
        // The Api's log (warnings and up, plus the lifetime lines) kept whole in a file: what a lost stream was is read there.
        var logPath = Path.Combine(Path.GetTempPath(), $"copilot-soak-api-{Guid.NewGuid():N}.log");
        var log = TextWriter.Synchronized(new StreamWriter(logPath) { AutoFlush = true });
        _logs.Add(log);
        var (process, address) = await ChildProcess.StartListeningAsync(info, TimeSpan.FromSeconds(90), cancellationToken, onStdout: line =>
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // A last line after the scenario ended.
            }
            if (line.TrimStart().StartsWith("GC: ", StringComparison.Ordinal))
            {
                gc.Value = line.Trim()[4..];
            }
            else if (line.TrimStart().StartsWith("Memory reclaimed", StringComparison.Ordinal))
            {
                Console.WriteLine($"  [Api] {line.Trim()}");
            }
        }, onStderr: line => Console.Error.WriteLine("  [dotnet] " + line));
        Track(process);
        var node = new ApiNode(process, address, gc);
        Console.WriteLine($"  Api pid {process.ProcessId} on {node.Address}, log {logPath}");
        return node;
    }

    public async Task<RedisNode> StartRedisAsync(int port, string directory, bool appendOnly, CancellationToken cancellationToken)
    {
        var process = await RedisServerProcess.StartAsync(port, directory, ["--save", "", "--appendonly", appendOnly ? "yes" : "no"], cancellationToken);
        Track(process);
        return new RedisNode(process, port);
    }

    private void Track(IAsyncDisposable process)
    {
        lock (_started)
        {
            _started.Add(process);
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<IAsyncDisposable> started;
        lock (_started)
        {
            started = [.. _started];
            _started.Clear();
        }
        started.Reverse(); // the Api replicas before the redis-server they use: no connection errors logged at the end
        foreach (var process in started)
        {
            await process.DisposeAsync();
        }
        foreach (var log in _logs)
        {
            await log.DisposeAsync();
        }
    }
}

/// <summary>An Api process: its address, its pid, its memory.</summary>
internal sealed class ApiNode(ChildProcess process, Uri address, System.Runtime.CompilerServices.StrongBox<string> gcSettings)
{
    public Uri Address { get; } = address;

    /// <summary>The GC settings in force in the process, as it logged them at start.</summary>
    public string GcSettings => gcSettings.Value ?? "not reported";

    public int ProcessId => process.ProcessId;

    public bool HasExited => process.HasExited;

    /// <summary>Resident set size now, and its peak so far (<c>/proc/&lt;pid&gt;/status</c>), in bytes.</summary>
    public (long Rss, long Peak) Memory() => (process.RssBytes(), process.PeakRssBytes());

    /// <summary>SIGKILL: the replica crashes.</summary>
    public Task KillAsync() => process.KillAsync(entireProcessTree: false);
}

/// <summary>A redis-server process.</summary>
internal sealed class RedisNode(RedisServerProcess process, int port)
{
    public int Port { get; } = port;

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectRetry=1,connectTimeout=2000,syncTimeout=3000,asyncTimeout=3000";

    /// <summary>SIGTERM (a restart: Redis writes its append-only file and exits), then waits for it to exit.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => process.StopGracefullyAsync(cancellationToken);
}

internal static class Text
{
    public static string Mb(long bytes) => (bytes / (1024.0 * 1024)).ToString("0", CultureInfo.InvariantCulture) + " MB";

    public static string Kb(double bytes) => (bytes / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " KB";

    public static string S(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    public static string Ratio(int part, int whole) => $"{part}/{whole}";

    public static StringBuilder Line(this StringBuilder sb, string name, string value) => sb.Append("  ").Append(name.PadRight(48)).AppendLine(value);
}
