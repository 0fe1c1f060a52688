using CopilotAspire.Runtime.Agents.BuiltIn;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace CopilotAspire.Runtime.Agents;

/// <summary>
/// The MCP tools of one run: connects to each configured server when the run starts, lists its tools, and closes the
/// connections when the run ends (the official agent's per-run <c>createMCPClient</c>). User-managed clients
/// (<see cref="BuiltInAgentOptions.McpClients"/>) are listed but neither opened nor closed here. A server that fails
/// to connect or to list its tools is logged and skipped; a failing user-managed client fails the run, as officially.
/// </summary>
internal sealed class McpToolSession : IAsyncDisposable
{
    private readonly List<(McpClient Client, string Name)> _owned = [];
    private readonly List<AIFunction> _tools = [];
    private readonly ILogger _logger;

    private McpToolSession(ILogger logger) => _logger = logger;

    /// <summary>The tools, in server order (a later server's tool replaces an earlier one of the same name).</summary>
    public IReadOnlyList<AIFunction> Tools => _tools;

    /// <summary>Connects and lists. Cancellation (the run was stopped) closes what was opened and throws.</summary>
    public static async Task<McpToolSession> OpenAsync(BuiltInAgentOptions options, ILoggerFactory? loggerFactory, ILogger logger,
        string threadId, string runId, CancellationToken cancellationToken)
    {
        var session = new McpToolSession(logger);
        if (options.McpClients.Count == 0 && options.McpServers.Count == 0)
        {
            return session;
        }
        try
        {
            foreach (var client in options.McpClients)
            {
                session._tools.AddRange((await client.ListToolsAsync(cancellationToken: cancellationToken)).Select(t => new McpResultFunction(t)));
            }
            foreach (var server in options.McpServers)
            {
                await session.AddServerAsync(server, loggerFactory, threadId, runId, cancellationToken);
            }
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    private async Task AddServerAsync(McpServerOptions server, ILoggerFactory? loggerFactory, string threadId, string runId,
        CancellationToken cancellationToken)
    {
        var name = server.DisplayName;
        McpClient client;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(server.ConnectTimeout);
            try
            {
                client = await McpClient.CreateAsync(
                    CreateTransport(server, loggerFactory),
                    new McpClientOptions { InitializationTimeout = server.ConnectTimeout },
                    loggerFactory,
                    timeout.Token);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // Any connection failure skips the server for this run, as the official agent does.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                McpLog.ConnectFailed(_logger, threadId, runId, name, ex);
                return;
            }
        }
        _owned.Add((client, name));
        IList<McpClientTool> tools;
        try
        {
            tools = await client.ListToolsAsync(cancellationToken: cancellationToken);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // As the official agent: the server's tools are skipped for this run.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            McpLog.ListToolsFailed(_logger, threadId, runId, name, ex);
            return;
        }
        McpLog.ToolsListed(_logger, threadId, runId, name, tools.Count);
        _tools.AddRange(tools.Select(t => new McpResultFunction(t)));
    }

    private static IClientTransport CreateTransport(McpServerOptions server, ILoggerFactory? loggerFactory)
    {
        if (server.Transport == McpServerOptions.Stdio)
        {
            var environment = StdioClientTransportOptions.GetDefaultEnvironmentVariables();
            foreach (var (key, value) in server.Environment)
            {
                environment[key] = value;
            }
            return new StdioClientTransport(
                new StdioClientTransportOptions
                {
                    Command = server.Command!,
                    Arguments = [.. server.Arguments],
                    WorkingDirectory = server.WorkingDirectory,
                    InheritEnvironmentVariables = false,
                    EnvironmentVariables = environment,
                    Name = server.DisplayName,
                },
                loggerFactory);
        }
        return new HttpClientTransport(
            new HttpClientTransportOptions
            {
                Endpoint = new Uri(server.Url!),
                TransportMode = server.Transport == McpServerOptions.Sse ? HttpTransportMode.Sse : HttpTransportMode.StreamableHttp,
                AdditionalHeaders = new Dictionary<string, string>(server.Headers, StringComparer.OrdinalIgnoreCase),
                ConnectionTimeout = server.ConnectTimeout,
                Name = server.DisplayName,
            },
            loggerFactory);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (client, name) in _owned)
        {
            try
            {
                await client.DisposeAsync();
            }
#pragma warning disable CA1031 // Closing is best effort; the run's outcome does not depend on it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                McpLog.CloseFailed(_logger, name, ex);
            }
        }
        _owned.Clear();
    }
}
