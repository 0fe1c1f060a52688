using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace CopilotAspire.Tests.Infrastructure;

/// <summary>
/// A private <c>redis-server</c> on a free loopback port, without persistence, in a temporary directory that is
/// deleted afterwards. Stopped by process id. <see cref="StopAsync"/> / <see cref="StartAsync"/> simulate an outage
/// (same port). Fails, never skips, when redis-server is not installed.
/// </summary>
public class RedisServerFixture : IAsyncLifetime, IRedisTestServer
{
    private readonly bool _appendOnly;

    public RedisServerFixture()
        : this(appendOnly: false)
    {
    }

    /// <param name="appendOnly">Persist every write to an append-only file (fsync per write), so a restart keeps the data.</param>
    protected RedisServerFixture(bool appendOnly) => _appendOnly = appendOnly;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "copilot-redis-" + Guid.NewGuid().ToString("N"));

    /// <summary>How the server keeps its data: by default nothing, or every write in the append-only file (fsync per write).</summary>
    protected virtual IEnumerable<string> PersistenceArguments => ["--save", "", "--appendonly", _appendOnly ? "yes" : "no", "--appendfsync", "always"];

    /// <summary>The server's data directory (its <c>--dir</c>).</summary>
    public string DataDirectory => _directory;
    private Process? _process;

    public int Port { get; private set; }

    /// <summary>Arguments added to the server's command line (e.g. a cluster node's).</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];


    /// <summary>A connection string that lets the client start and reconnect while the server is down.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectRetry=1,connectTimeout=2000,syncTimeout=3000,asyncTimeout=3000";

    public async ValueTask InitializeAsync()
    {
        Port = FreePort();
        Directory.CreateDirectory(_directory);
        await StartAsync();
    }

    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(ConnectionString);

    /// <summary>Starts the server (again) on <see cref="Port"/> and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        var executable = FindRedisServer() ?? throw new InvalidOperationException(
            "redis-server is not installed, and the Redis runner tests need it: install it (e.g. 'apt-get install -y redis-server'; CI installs it).");
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory, "--protected-mode", "no" }.Concat(PersistenceArguments).Concat(ExtraArguments))
        {
            info.ArgumentList.Add(arg);
        }
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException("redis-server exited before it was ready:\n" + output));
                return;
            }
            lock (output)
            {
                output.AppendLine(e.Data);
            }
            if (e.Data.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Kills the server (its data is gone, unless it runs with the append-only file).</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill();
            }
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>Stops the server as a container restart does (SIGTERM: it writes what it has and exits) and waits for it to exit.</summary>
    public async Task StopGracefullyAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!)
            {
                await kill.WaitForExitAsync();
            }
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindRedisServer()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/sbin").Append("/usr/bin"))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}

/// <summary>A <see cref="RedisServerFixture"/> that keeps its data across a restart (AOF, as the AppHost's Redis on a volume).</summary>
public sealed class PersistentRedisServerFixture() : RedisServerFixture(appendOnly: true);

/// <summary>
/// A <see cref="RedisServerFixture"/> persisting as the published Redis container does (snapshots every minute with a
/// write, plus the append-only file with its default fsync every second) and as <c>Redis:DataDirectory</c> does locally.
/// </summary>
public sealed class DeployedRedisServerFixture : RedisServerFixture
{
    protected override IEnumerable<string> PersistenceArguments => ["--save", "60 1", "--appendonly", "yes"];
}
