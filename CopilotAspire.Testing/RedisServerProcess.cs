using System.Diagnostics;
using System.Globalization;

namespace CopilotAspire.Testing;

/// <summary>
/// A private <c>redis-server</c> on 127.0.0.1, started on a given port and data directory and waited for until it
/// accepts connections; stopped by its own pid (killed, or SIGTERM as a container restart does). Fails, never skips,
/// when redis-server is not installed.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private RedisServerProcess(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => _process.ProcessId;

    /// <summary>What the server wrote (for failure messages).</summary>
    public string Output => _process.Output;

    /// <summary>Starts redis-server on <paramref name="port"/> with <c>--dir</c> <paramref name="directory"/> and <paramref name="arguments"/> (persistence, cluster mode…).</summary>
    public static async Task<RedisServerProcess> StartAsync(int port, string directory, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Executable());
        foreach (var arg in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", directory, "--protected-mode", "no" }.Concat(arguments))
        {
            start.ArgumentList.Add(arg);
        }
        var process = ChildProcess.Start(start);
        try
        {
            await process.WaitForLineAsync(line => line.Contains("Ready to accept connections", StringComparison.Ordinal), TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
        return new RedisServerProcess(process, port);
    }

    /// <summary>The redis-server on PATH (or in /usr/sbin, /usr/bin).</summary>
    public static string Executable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/sbin").Append("/usr/bin")
            .Select(dir => Path.Combine(dir, "redis-server")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            "redis-server is not installed, and the Redis tests, benchmark and soak need it: install it (e.g. 'apt-get install -y redis-server'; eng/test.sh does).");

    /// <summary>Kills the server (SIGKILL: its data is gone unless it keeps an append-only file).</summary>
    public Task KillAsync() => _process.KillAsync(entireProcessTree: false);

    /// <summary>Stops the server as a container restart does (SIGTERM: it writes what it has and exits) and waits for it to exit.</summary>
    public async Task StopGracefullyAsync(CancellationToken cancellationToken)
    {
        _process.Terminate();
        await _process.WaitForExitAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
