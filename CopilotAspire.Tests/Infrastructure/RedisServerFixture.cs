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
    private RedisServerProcess? _process;

    public int Port { get; private set; }

    /// <summary>Arguments added to the server's command line (e.g. a cluster node's).</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];


    /// <summary>A connection string that lets the client start and reconnect while the server is down.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectRetry=1,connectTimeout=2000,syncTimeout=3000,asyncTimeout=3000";

    public async ValueTask InitializeAsync()
    {
        Port = FreePort.Next();
        Directory.CreateDirectory(_directory);
        await StartAsync();
    }

    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(ConnectionString);

    /// <summary>Starts the server (again) on <see cref="Port"/> and waits until it accepts connections.</summary>
    public async Task StartAsync() =>
        _process = await RedisServerProcess.StartAsync(Port, _directory, PersistenceArguments.Concat(ExtraArguments), CancellationToken.None);

    /// <summary>Kills the server (its data is gone, unless it runs with the append-only file).</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            await process.DisposeAsync();
        }
    }

    /// <summary>Stops the server as a container restart does (SIGTERM: it writes what it has and exits) and waits for it to exit.</summary>
    public async Task StopGracefullyAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            await process.StopGracefullyAsync(CancellationToken.None);
            await process.DisposeAsync();
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
