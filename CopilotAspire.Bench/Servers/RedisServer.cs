using CopilotAspire.Testing;

namespace CopilotAspire.Bench.Servers;

/// <summary>A private <c>redis-server</c> (no persistence) on a free loopback port; stopped by its pid on dispose.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly RedisServerProcess _process;
    private readonly string _directory;

    private RedisServer(RedisServerProcess process, int port, string directory)
    {
        _process = process;
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    public int ProcessId => _process.ProcessId;

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken)
    {
        var port = FreePort.Next();
        var directory = Directory.CreateTempSubdirectory("copilot-bench-redis-").FullName;
        var process = await RedisServerProcess.StartAsync(port, directory, ["--save", "", "--appendonly", "no"], cancellationToken);
        return new RedisServer(process, port, directory);
    }

    /// <summary>Commands the server has executed so far (<c>INFO commandstats</c>), and how many were scripts (EVAL/EVALSHA).</summary>
    public async Task<(long Commands, long Scripts)> CommandCountsAsync(CancellationToken cancellationToken)
    {
        var (_, output, _) = await ProcessRun.RunAsync("redis-cli", ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "INFO", "commandstats"],
            null, TimeSpan.FromSeconds(30), cancellationToken);
        long commands = 0, scripts = 0;
        foreach (var line in output.Split('\n'))
        {
            // cmdstat_evalsha:calls=12,usec=…
            var at = line.IndexOf(":calls=", StringComparison.Ordinal);
            if (!line.StartsWith("cmdstat_", StringComparison.Ordinal) || at < 0 || line.StartsWith("cmdstat_info", StringComparison.Ordinal))
            {
                continue;
            }
            var end = line.IndexOf(',', at);
            var calls = long.Parse(line.AsSpan(at + 7, (end < 0 ? line.Length : end) - at - 7), System.Globalization.CultureInfo.InvariantCulture);
            commands += calls;
            if (line.StartsWith("cmdstat_eval", StringComparison.Ordinal))
            {
                scripts += calls;
            }
        }
        return (commands, scripts);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
