using System.Diagnostics;
using System.Text;

namespace CopilotAspire.Tests.Infrastructure;

/// <summary>
/// A Node server started for a test that prints <c>Now listening on: &lt;url&gt;</c> once it listens on loopback:
/// the official runtime (<c>bench/official/server.mjs</c>) or the MCP test server (<c>clients/mcp/everything.mjs</c>).
/// Stopped by its own pid.
/// </summary>
public sealed class NodeServer : IAsyncDisposable
{
    private const string Ready = "Now listening on: ";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NodeServer(Process process) => _process = process;

    /// <summary>What the server printed after the line it was waited for (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The URL it printed.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The official runtime of <c>bench/official</c> with these environment variables (<c>PORT=0</c> added).</summary>
    public static Task<NodeServer> StartOfficialRuntimeAsync(IDictionary<string, string> environment, CancellationToken cancellationToken) =>
        StartAsync(Path.Combine(NodeClient.RepoRoot(), "bench", "official"), "@copilotkit/runtime", ["server.mjs"], environment, cancellationToken);

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
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["PORT"] = "0";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var server = new NodeServer(process);
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException($"node exited before listening: {server.Output}"));
                return;
            }
            if (e.Data.StartsWith(Ready, StringComparison.Ordinal))
            {
                ready.TrySetResult(new Uri(e.Data[Ready.Length..].Trim()));
            }
            server.Append(e.Data);
        };
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            server.Url = await ready.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(); // this process only, by its own pid
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
