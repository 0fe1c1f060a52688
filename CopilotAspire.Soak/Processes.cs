using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CopilotAspire.Soak;

/// <summary>
/// The processes a scenario starts (Api replicas, redis-server), each on loopback, each stopped by its own pid
/// (<see cref="Process.Kill()"/> on the process object, never by name) when the scenario ends, whatever happens.
/// </summary>
internal sealed class Processes : IAsyncDisposable
{
    private readonly List<Process> _started = [];

    /// <summary>Settings every Api process gets on top of the scenario's (<c>--api-env KEY=VALUE;…</c>: A/B runs of runtime knobs).</summary>
    public static IReadOnlyDictionary<string, string> ApiEnvironment { get; set; } = new Dictionary<string, string>();

    public async Task<ApiNode> StartApiAsync(string apiDll, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
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
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var gc = new System.Runtime.CompilerServices.StrongBox<string>("not reported");
        var process = Start(info, line =>
        {
            if (line.TrimStart().StartsWith("GC: ", StringComparison.Ordinal))
            {
                gc.Value = line.Trim()[4..];
            }
            else if (line.TrimStart().StartsWith("Memory reclaimed", StringComparison.Ordinal))
            {
                Console.WriteLine($"  [Api] {line.Trim()}");
            }
            const string Marker = "Now listening on: ";
            var at = line.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                listening.TrySetResult(new Uri(line[(at + Marker.Length)..].Trim() + "/"));
            }
        }, () => listening.TrySetException(new InvalidOperationException("The Api exited before it listened.")));
        var node = new ApiNode(process, await listening.Task.WaitAsync(TimeSpan.FromSeconds(90), cancellationToken), gc);
        Console.WriteLine($"  Api pid {process.Id} on {node.Address}");
        return node;
    }

    public async Task<RedisNode> StartRedisAsync(int port, string directory, bool appendOnly, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(FindRedisServer()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", appendOnly ? "yes" : "no", "--dir", directory, "--protected-mode", "no" })
        {
            info.ArgumentList.Add(arg);
        }
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Start(info, line =>
        {
            if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }, () => ready.TrySetException(new InvalidOperationException("redis-server exited before it was ready.")));
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return new RedisNode(process, port);
    }

    private Process Start(ProcessStartInfo info, Action<string> onLine, Action onExit)
    {
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                onExit();
            }
            else
            {
                onLine(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("  [" + Path.GetFileName(info.FileName) + "] " + e.Data);
            }
        };
        process.Start();
        lock (_started)
        {
            _started.Add(process);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRedisServer() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/sbin").Append("/usr/bin")
            .Select(dir => Path.Combine(dir, "redis-server")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("redis-server is not installed (apt-get install -y redis-server).");

    public async ValueTask DisposeAsync()
    {
        List<Process> started;
        lock (_started)
        {
            started = [.. _started];
            _started.Clear();
        }
        foreach (var process in started)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }
                await process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
                // Never started.
            }
            process.Dispose();
        }
    }
}

/// <summary>An Api process: its address, its pid, its memory.</summary>
internal sealed class ApiNode(Process process, Uri address, System.Runtime.CompilerServices.StrongBox<string> gcSettings)
{
    public Uri Address { get; } = address;

    /// <summary>The GC settings in force in the process, as it logged them at start.</summary>
    public string GcSettings => gcSettings.Value ?? "not reported";

    public int ProcessId => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Resident set size now, and its peak so far (<c>/proc/&lt;pid&gt;/status</c>), in bytes.</summary>
    public (long Rss, long Peak) Memory()
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line);
            }
        }
        return (rss, peak);
    }

    /// <summary>SIGKILL: the replica crashes.</summary>
    public void Kill() => process.Kill();

    private static long Kilobytes(string line) =>
        1024 * long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}

/// <summary>A redis-server process.</summary>
internal sealed class RedisNode(Process process, int port)
{
    public int Port { get; } = port;

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectRetry=1,connectTimeout=2000,syncTimeout=3000,asyncTimeout=3000";

    /// <summary>SIGTERM (a restart: Redis writes its append-only file and exits), then waits for it to exit.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        await kill.WaitForExitAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
    }
}

internal static class Text
{
    public static string Mb(long bytes) => (bytes / (1024.0 * 1024)).ToString("0", CultureInfo.InvariantCulture) + " MB";

    public static string Kb(double bytes) => (bytes / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " KB";

    public static string S(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    public static string Ratio(int part, int whole) => $"{part}/{whole}";

    public static StringBuilder Line(this StringBuilder sb, string name, string value) => sb.Append("  ").Append(name.PadRight(48)).AppendLine(value);
}
