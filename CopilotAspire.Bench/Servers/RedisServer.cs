using System.Net;
using System.Net.Sockets;

namespace CopilotAspire.Bench.Servers;

/// <summary>A private <c>redis-server</c> (no persistence) on a free loopback port; stopped by its pid on dispose.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly ServerProcess _process;
    private readonly string _directory;

    private RedisServer(ServerProcess process, int port, string directory)
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
        var port = FreePort();
        var directory = Directory.CreateTempSubdirectory("copilot-bench-redis-").FullName;
        var args = new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory };
        var process = await ServerProcess.StartAsync("redis-server", "redis-server", args, directory, new Dictionary<string, string>(), readyPath: null,
            cancellationToken, marker: "Ready to accept connections", address: new Uri($"redis://127.0.0.1:{port}"));
        return new RedisServer(process, port, directory);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
