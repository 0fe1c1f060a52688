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

    /// <summary>
    /// Commands the server has executed so far (<c>INFO commandstats</c>; a script's inner commands are counted too),
    /// how many were scripts (EVAL/EVALSHA), the microseconds spent in scripts (their inner commands included), and in
    /// all other commands (inner ones included: they overlap the scripts' figure).
    /// </summary>
    public async Task<RedisCommandCounts> CommandCountsAsync(CancellationToken cancellationToken)
    {
        var (_, output, _) = await ProcessRun.RunAsync("redis-cli", ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "INFO", "commandstats"],
            null, TimeSpan.FromSeconds(30), cancellationToken);
        long commands = 0, scripts = 0, scriptUsec = 0, otherUsec = 0;
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
            var name = line[8..at];
            var u = line.IndexOf(",usec=", StringComparison.Ordinal) + 6;
            var uEnd = line.IndexOf(',', u);
            var usec = long.Parse(line.AsSpan(u, (uEnd < 0 ? line.Length : uEnd) - u), System.Globalization.CultureInfo.InvariantCulture);
            if (name.StartsWith("eval", StringComparison.Ordinal))
            {
                scripts += calls;
                scriptUsec += usec;
            }
            else
            {
                otherUsec += usec;
            }
        }
        return new RedisCommandCounts(commands, scripts, scriptUsec, otherUsec);
    }

    /// <summary>
    /// <see cref="CommandCountsAsync"/> once the server has stopped executing commands: read until two reads
    /// <see cref="SettlePoll"/> apart agree (the runs' last writes have landed), at most <see cref="SettleDeadline"/>.
    /// </summary>
    public async Task<RedisCommandCounts> SettledCommandCountsAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + SettleDeadline;
        var last = await CommandCountsAsync(cancellationToken);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(SettlePoll, cancellationToken);
            var now = await CommandCountsAsync(cancellationToken);
            if (now.Commands == last.Commands)
            {
                return now;
            }
            last = now;
        }
        return last;
    }

    /// <summary>Time between two reads of <see cref="SettledCommandCountsAsync"/>.</summary>
    public static readonly TimeSpan SettlePoll = TimeSpan.FromMilliseconds(20);

    /// <summary>The longest <see cref="SettledCommandCountsAsync"/> waits for the counts to settle.</summary>
    public static readonly TimeSpan SettleDeadline = TimeSpan.FromSeconds(5);

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
