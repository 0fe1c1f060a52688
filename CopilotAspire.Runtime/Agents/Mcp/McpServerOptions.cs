using CopilotAspire.Runtime.Agents.BuiltIn;

namespace CopilotAspire.Runtime.Agents;

/// <summary>
/// One MCP server whose tools a <see cref="BuiltInAgent"/> offers to the model (the official <c>mcpServers</c> entry,
/// plus stdio). Bindable from <c>CopilotRuntime:Agents:{id}:McpServers:{n}</c>. The agent connects when a run starts,
/// lists the tools, calls them server-side and disconnects when the run ends; a server that cannot be reached or
/// listed is logged and skipped for that run, as the official agent does.
/// </summary>
public sealed class McpServerOptions
{
    /// <summary>Streamable HTTP (the official <c>type:"http"</c>).</summary>
    public const string Http = "http";

    /// <summary>The older HTTP+SSE transport (the official <c>type:"sse"</c>).</summary>
    public const string Sse = "sse";

    /// <summary>A local process speaking MCP on stdin/stdout (not in the official agent's configuration).</summary>
    public const string Stdio = "stdio";

    /// <summary><c>http</c>, <c>sse</c> or <c>stdio</c>; when unset, <c>stdio</c> if <see cref="Command"/> is set, else <c>http</c>.</summary>
    public string? Type { get; set; }

    /// <summary>The server's URL (<c>http</c>, <c>sse</c>): absolute, <c>http</c> or <c>https</c>.</summary>
    public string? Url { get; set; }

    /// <summary>Headers sent with every request to an HTTP server (e.g. <c>Authorization</c>).</summary>
    public IDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The program to start (<c>stdio</c>), e.g. <c>npx</c> or <c>node</c>.</summary>
    public string? Command { get; set; }

    /// <summary>Its arguments (<c>stdio</c>).</summary>
    public IList<string> Arguments { get; set; } = [];

    /// <summary>Its working directory (<c>stdio</c>); the host's current directory when unset.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>
    /// Environment variables for the process (<c>stdio</c>). The process gets only these and the SDK's curated
    /// system variables (<c>PATH</c>, <c>HOME</c>…), never the host's whole environment (which holds provider keys).
    /// </summary>
    public IDictionary<string, string> Environment { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>How long connecting and the MCP handshake may take before the server is skipped for the run (default 30 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The effective transport: <see cref="Type"/> lower-cased, or inferred from <see cref="Command"/>.</summary>
    internal string Transport => Type?.Trim().ToLowerInvariant() is { Length: > 0 } type ? type : Command is null ? Http : Stdio;

    /// <summary>How the server is named in logs: its URL or command (never its headers or environment).</summary>
    internal string DisplayName => Transport == Stdio ? $"{Command} {string.Join(' ', Arguments)}".Trim() : Url ?? "";

    internal McpServerOptions Copy() => new()
    {
        Type = Type,
        Url = Url,
        Headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase),
        Command = Command,
        Arguments = [.. Arguments],
        WorkingDirectory = WorkingDirectory,
        Environment = new Dictionary<string, string>(Environment, StringComparer.Ordinal),
        ConnectTimeout = ConnectTimeout,
    };

    /// <summary>Checks the entry (at agent creation, so a bad configuration fails at startup).</summary>
    /// <exception cref="ArgumentException">The entry is invalid; the message says why.</exception>
    internal void Validate(int index)
    {
        switch (Transport)
        {
            case Http or Sse:
                if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    throw new ArgumentException($"McpServers:{index}: 'Url' must be an absolute http or https URL (got '{Url}').");
                }
                break;
            case Stdio:
                if (string.IsNullOrWhiteSpace(Command))
                {
                    throw new ArgumentException($"McpServers:{index}: a stdio server needs a 'Command'.");
                }
                break;
            default:
                throw new ArgumentException($"McpServers:{index}: unknown 'Type' \"{Type}\" (use http, sse or stdio).");
        }
        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"McpServers:{index}: 'ConnectTimeout' must be positive.");
        }
    }
}
