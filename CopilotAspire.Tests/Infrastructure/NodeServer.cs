using System.Diagnostics;

namespace CopilotAspire.Tests.Infrastructure;

/// <summary>
/// A Node server started for a test that prints <c>Now listening on: &lt;url&gt;</c> once it listens on loopback:
/// the official runtime (<c>bench/official/server.mjs</c>) or the MCP test server (<c>clients/mcp/everything.mjs</c>).
/// Stopped by its own pid.
/// </summary>
public sealed class NodeServer : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private NodeServer(ChildProcess process, Uri url)
    {
        _process = process;
        Url = url;
    }

    /// <summary>What the server printed (for failure messages).</summary>
    public string Output => _process.Output;

    /// <summary>The URL it printed.</summary>
    public Uri Url { get; }

    /// <summary>The official runtime of <c>bench/official</c> with these environment variables (<c>PORT=0</c> added).</summary>
    public static Task<NodeServer> StartOfficialRuntimeAsync(IDictionary<string, string> environment, CancellationToken cancellationToken) =>
        StartAsync(OfficialRuntime.Directory, "@copilotkit/runtime", ["server.mjs"], environment, cancellationToken);

    /// <summary><c>@modelcontextprotocol/server-everything</c> over streamable HTTP; <see cref="Url"/> is its <c>/mcp</c> endpoint.</summary>
    public static Task<NodeServer> StartMcpEverythingAsync(CancellationToken cancellationToken) =>
        StartAsync(McpHarnessDirectory, "@modelcontextprotocol/server-everything", ["everything.mjs", "streamableHttp"],
            new Dictionary<string, string>(), cancellationToken);

    /// <summary><c>clients/mcp</c> (run <c>npm ci</c> there).</summary>
    public static string McpHarnessDirectory { get; } = Path.Combine(NodeClient.RepoRoot(), "clients", "mcp");

    private static async Task<NodeServer> StartAsync(string directory, string package, string[] args,
        IDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Path.Combine(directory, "node_modules", package)))
        {
            Assert.Fail($"{package} is not installed: run `npm ci` in {directory} (eng/test.sh does).");
        }
        var start = new ProcessStartInfo("node") { WorkingDirectory = directory };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["PORT"] = "0";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var (process, url) = await ChildProcess.StartListeningAsync(start, TimeSpan.FromSeconds(60), cancellationToken);
        return new NodeServer(process, url);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
