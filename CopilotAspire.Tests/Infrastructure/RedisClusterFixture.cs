using System.Globalization;
using StackExchange.Redis;

namespace CopilotAspire.Tests.Infrastructure;

/// <summary>
/// A Redis Cluster of three masters (no replicas): three private redis-server nodes on free loopback ports
/// (<c>--cluster-enabled yes</c>, each with its own cluster bus port and config file in its temporary directory),
/// joined with <c>redis-cli --cluster create</c>; ready once every node reports <c>cluster_state:ok</c> and knows
/// the others. Nodes are stopped by process id. <see cref="MigrateSlotAsync"/> moves a hash slot to another master
/// the way <c>redis-cli --cluster reshard</c> does (IMPORTING/MIGRATING, MIGRATE of its keys, SETSLOT NODE).
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime, IRedisTestServer
{
    private const int MasterCount = 3;

    private readonly List<ClusterNode> _nodes = [];

    /// <summary>Each node's client port.</summary>
    public IReadOnlyList<int> Ports => _nodes.ConvertAll(n => n.Port);

    public string ConnectionString =>
        string.Join(",", _nodes.Select(n => "127.0.0.1:" + n.Port.ToString(CultureInfo.InvariantCulture)))
        + ",abortConnect=false,connectRetry=1,connectTimeout=2000,syncTimeout=5000,asyncTimeout=5000";

    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(ConnectionString);

    public async ValueTask InitializeAsync()
    {
        for (var i = 0; i < MasterCount; i++)
        {
            var node = new ClusterNode();
            _nodes.Add(node);
            await node.InitializeAsync();
        }
        await RunRedisCliAsync(["--cluster", "create", .. _nodes.Select(n => "127.0.0.1:" + n.Port.ToString(CultureInfo.InvariantCulture)), "--cluster-replicas", "0", "--cluster-yes"]);
        await using var admin = await ConnectAsync();
        await WaitUntilAsync(async () =>
        {
            foreach (var node in _nodes)
            {
                var info = (string)(await Server(admin, node.Port).ExecuteAsync("CLUSTER", "INFO"))!;
                if (!info.Contains("cluster_state:ok", StringComparison.Ordinal) || !info.Contains($"cluster_known_nodes:{MasterCount}", StringComparison.Ordinal))
                {
                    return false;
                }
            }
            return true;
        });
    }

    /// <summary>
    /// Moves <paramref name="slot"/> from its master to the next one (in port order) while clients keep using it:
    /// the target imports, the source migrates, its keys go over with MIGRATE (a batch at a time; a key created
    /// meanwhile is redirected there with ASK), then every node is told the new owner. Returns the new owner's port.
    /// </summary>
    /// <param name="first">Keys moved first, on their own; then <paramref name="halfway"/> runs, with the slot's keys on two nodes.</param>
    public async Task<int> MigrateSlotAsync(ConnectionMultiplexer admin, int slot, IReadOnlyList<string>? first = null, Func<Task>? halfway = null)
    {
        var ids = new Dictionary<int, string>();
        foreach (var node in _nodes)
        {
            ids[node.Port] = (string)(await Server(admin, node.Port).ExecuteAsync("CLUSTER", "MYID"))!;
        }
        var source = await OwnerOfAsync(admin, slot);
        var target = _nodes[(_nodes.FindIndex(n => n.Port == source) + 1) % _nodes.Count].Port;
        var (from, to) = (Server(admin, source), Server(admin, target));
        await to.ExecuteAsync("CLUSTER", "SETSLOT", slot, "IMPORTING", ids[source]);
        await from.ExecuteAsync("CLUSTER", "SETSLOT", slot, "MIGRATING", ids[target]);
        if (first is { Count: > 0 })
        {
            await from.ExecuteAsync("MIGRATE", ["127.0.0.1", target, "", 0, 10_000, "KEYS", .. first]);
        }
        if (halfway is not null)
        {
            await halfway();
        }
        while (true)
        {
            var keys = (RedisResult[])(await from.ExecuteAsync("CLUSTER", "GETKEYSINSLOT", slot, 100))!;
            if (keys.Length == 0)
            {
                break;
            }
            await from.ExecuteAsync("MIGRATE", ["127.0.0.1", target, "", 0, 10_000, "KEYS", .. keys.Select(k => (object)(string)k!)]);
        }
        // The new owner first, then the old one (it starts answering MOVED), then the rest, as redis-cli does.
        foreach (var port in new[] { target, source }.Concat(_nodes.Select(n => n.Port).Where(p => p != target && p != source)))
        {
            await Server(admin, port).ExecuteAsync("CLUSTER", "SETSLOT", slot, "NODE", ids[target]);
        }
        return target;
    }

    /// <summary>The port of the master that serves <paramref name="slot"/>, as the first node sees it.</summary>
    public async Task<int> OwnerOfAsync(ConnectionMultiplexer admin, int slot)
    {
        var shards = (RedisResult[])(await Server(admin, _nodes[0].Port).ExecuteAsync("CLUSTER", "SLOTS"))!;
        foreach (var shard in shards)
        {
            var range = (RedisResult[])shard!;
            if ((int)range[0] <= slot && slot <= (int)range[1])
            {
                return (int)((RedisResult[])range[2]!)[1];
            }
        }
        throw new InvalidOperationException($"No node serves slot {slot}.");
    }

    /// <summary>Every master of the cluster (to scan keys or count subscriptions on all of them).</summary>
    public static IEnumerable<IServer> Masters(ConnectionMultiplexer connection) =>
        connection.GetEndPoints().Select(e => connection.GetServer(e)).Where(s => s.IsConnected && !s.IsReplica);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    private static IServer Server(ConnectionMultiplexer admin, int port) => admin.GetServer("127.0.0.1", port);

    private static async Task RunRedisCliAsync(IEnumerable<string> arguments)
    {
        var (exitCode, stdout, stderr) = await ProcessRun.RunAsync("redis-cli", arguments, null, TimeSpan.FromSeconds(60), CancellationToken.None);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli {string.Join(' ', arguments)} failed ({exitCode}):\n{stdout}\n{stderr}");
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    /// <summary>One cluster node: a <see cref="RedisServerFixture"/> with cluster mode on and its own bus port.</summary>
    private sealed class ClusterNode : RedisServerFixture
    {
        private readonly int _busPort = FreePort.Next();

        protected override IEnumerable<string> ExtraArguments =>
        [
            "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-port", _busPort.ToString(CultureInfo.InvariantCulture),
            "--cluster-node-timeout", "5000",
        ];
    }
}
