using System.Globalization;
using StackExchange.Redis;

namespace CopilotAspire.Tests.Infrastructure;

/// <summary>
/// A Redis Cluster of three masters (no replicas unless a subclass asks for them): private redis-server nodes on free
/// loopback ports (<c>--cluster-enabled yes</c>, each with its own cluster bus port and config file in its temporary
/// directory), joined with <c>redis-cli --cluster create</c>; ready once every node reports <c>cluster_state:ok</c> and
/// knows the others, and every replica's link to its master is up. Nodes are stopped by process id.
/// <see cref="MigrateSlotAsync"/> moves a hash slot to another master the way <c>redis-cli --cluster reshard</c> does
/// (IMPORTING/MIGRATING, MIGRATE of its keys, SETSLOT NODE); <see cref="FailOverAsync"/> promotes a replica.
/// </summary>
public class RedisClusterFixture : IAsyncLifetime, IRedisTestServer
{
    private const int MasterCount = 3;

    private readonly List<ClusterNode> _nodes = [];

    /// <summary>Replicas per master: 0 here.</summary>
    protected virtual int ReplicasPerMaster => 0;

    /// <summary>Each node's client port.</summary>
    public IReadOnlyList<int> Ports => _nodes.ConvertAll(n => n.Port);

    public string ConnectionString =>
        string.Join(",", _nodes.Select(n => "127.0.0.1:" + n.Port.ToString(CultureInfo.InvariantCulture)))
        + ",abortConnect=false,connectRetry=1,connectTimeout=2000,syncTimeout=5000,asyncTimeout=5000";

    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(ConnectionString);

    public async ValueTask InitializeAsync()
    {
        var nodeCount = MasterCount * (1 + ReplicasPerMaster);
        for (var i = 0; i < nodeCount; i++)
        {
            var node = new ClusterNode();
            _nodes.Add(node);
            await node.InitializeAsync();
        }
        await RunRedisCliAsync(["--cluster", "create", .. _nodes.Select(n => "127.0.0.1:" + n.Port.ToString(CultureInfo.InvariantCulture)), "--cluster-replicas", ReplicasPerMaster.ToString(CultureInfo.InvariantCulture), "--cluster-yes"]);
        await using var admin = await ConnectAsync();
        await WaitUntilAsync(async () =>
        {
            foreach (var node in _nodes)
            {
                var info = (string)(await Server(admin, node.Port).ExecuteAsync("CLUSTER", "INFO"))!;
                if (!info.Contains("cluster_state:ok", StringComparison.Ordinal) || !info.Contains($"cluster_known_nodes:{nodeCount}", StringComparison.Ordinal))
                {
                    return false;
                }
                var role = (RedisResult[])(await Server(admin, node.Port).ExecuteAsync("ROLE"))!;
                if ((string)role[0]! == "slave" && (string)role[3]! != "connected")
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

    /// <summary>
    /// Promotes the replica of the master at <paramref name="masterPort"/> with <c>CLUSTER FAILOVER</c> sent to the
    /// replica: the graceful form (the master stops its clients, the replica catches up to its offset, then takes the
    /// slots: nothing the master acknowledged is dropped) or <c>TAKEOVER</c> (the replica takes the slots at once,
    /// without the master's agreement: what the master acknowledged but had not yet sent is lost when it becomes a
    /// replica of the new master and resynchronises). Returns once every node agrees the replica serves the slots and
    /// the old master replicates from it, with the replication offsets both reported at the moment of the failover.
    /// </summary>
    public async Task<FailoverResult> FailOverAsync(ConnectionMultiplexer admin, int masterPort, bool takeover)
    {
        var replicaPort = await ReplicaOfAsync(admin, masterPort);
        var masterOffset = (long)((RedisResult[])(await Server(admin, masterPort).ExecuteAsync("ROLE"))!)[1];
        var replicaOffset = (long)((RedisResult[])(await Server(admin, replicaPort).ExecuteAsync("ROLE"))!)[4];
        await Server(admin, replicaPort).ExecuteAsync("CLUSTER", takeover ? ["FAILOVER", "TAKEOVER"] : ["FAILOVER"]);
        try
        {
        await WaitUntilAsync(async () =>
        {
            var promoted = (RedisResult[])(await Server(admin, replicaPort).ExecuteAsync("ROLE"))!;
            var demoted = (RedisResult[])(await Server(admin, masterPort).ExecuteAsync("ROLE"))!;
            if ((string)promoted[0]! != "master" || (string)demoted[0]! != "slave" || (int)demoted[2] != replicaPort || (string)demoted[3]! != "connected")
            {
                return false;
            }
            foreach (var node in _nodes)
            {
                var info = (string)(await Server(admin, node.Port).ExecuteAsync("CLUSTER", "INFO"))!;
                if (!info.Contains("cluster_state:ok", StringComparison.Ordinal) || !(await MasterPortsAsync(admin, node.Port)).Contains(replicaPort) || (await MasterPortsAsync(admin, node.Port)).Contains(masterPort))
                {
                    return false;
                }
            }
            return true;
        });
        }
        catch (OperationCanceledException)
        {
            var state = new System.Text.StringBuilder();
            foreach (var port in new[] { replicaPort, masterPort })
            {
                state.Append(CultureInfo.InvariantCulture, $"{port}: ROLE {string.Join(' ', ((RedisResult[])(await Server(admin, port).ExecuteAsync("ROLE"))!).Select(r => r.ToString()))}\n");
                state.Append((string)(await Server(admin, port).ExecuteAsync("CLUSTER", "NODES"))!);
            }
            throw new InvalidOperationException($"The failover of {masterPort} to {replicaPort} did not complete:\n{state}");
        }
        return new FailoverResult(replicaPort, masterOffset - replicaOffset);
    }

    /// <summary>The port of the replica that replicates the master at <paramref name="masterPort"/>.</summary>
    public async Task<int> ReplicaOfAsync(ConnectionMultiplexer admin, int masterPort)
    {
        foreach (var node in _nodes)
        {
            var role = (RedisResult[])(await Server(admin, node.Port).ExecuteAsync("ROLE"))!;
            if ((string)role[0]! == "slave" && (int)role[2] == masterPort)
            {
                return node.Port;
            }
        }
        throw new InvalidOperationException($"The node on port {masterPort} has no replica.");
    }

    /// <summary>The ports of the nodes that serve slots, as the node at <paramref name="port"/> sees them.</summary>
    private static async Task<HashSet<int>> MasterPortsAsync(ConnectionMultiplexer admin, int port)
    {
        var shards = (RedisResult[])(await Server(admin, port).ExecuteAsync("CLUSTER", "SLOTS"))!;
        return [.. shards.Select(s => (int)((RedisResult[])((RedisResult[])s!)[2]!)[1])];
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
