using System.Runtime.CompilerServices;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CopilotAspire.Runtime.Agents.Remote;

/// <summary>
/// A remote AG-UI agent, as <c>@ag-ui/client</c>'s <c>HttpAgent</c>: each run POSTs the <c>RunAgentInput</c> as JSON
/// (<c>Accept: text/event-stream</c>) to <see cref="Url"/> and streams the answer's events into the runtime's pipeline,
/// so runners, stop, resume and limits treat it like a local agent. Any failure (no connection, a non-2xx answer, not an
/// event stream, a malformed frame, a timeout, an end without a terminal event) ends the run with one <c>RUN_ERROR</c>
/// whose code is one of <see cref="RemoteAgentErrors"/>. The HTTP client is the named client
/// <see cref="HttpClientName"/>, so service discovery applies; it has no retry or resilience handler (a POST that
/// started streaming must not be sent again) and no client timeout: <see cref="HttpAgentOptions.ConnectTimeout"/> and
/// <see cref="HttpAgentOptions.IdleTimeout"/> bound it.
/// </summary>
public sealed class HttpAgent : AbstractAgent
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client remote agents use.</summary>
    public const string HttpClientName = "CopilotAspire.HttpAgent";

    private readonly HttpAgentOptions _options;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly ILogger _logger;

    /// <exception cref="InvalidOperationException">The options are invalid.</exception>
    public HttpAgent(HttpAgentOptions options, IHttpClientFactory httpClientFactory, ILogger<HttpAgent>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        _options = options.Snapshot();
        Url = _options.Validate(nameof(HttpAgent));
        _httpClientFactory = httpClientFactory;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        Description = _options.Description;
        foreach (var (name, value) in _options.Headers)
        {
            Headers[name] = value;
        }
    }

    private HttpAgent(HttpAgent source) : base(source)
    {
        _options = source._options;
        Url = source.Url;
        _httpClientFactory = source._httpClientFactory;
        _logger = source._logger;
    }

    /// <summary>Where runs are POSTed.</summary>
    public Uri Url { get; }

    /// <inheritdoc/>
    public override AbstractAgent Clone() => new HttpAgent(this);

    /// <inheritdoc/>
    public override async IAsyncEnumerable<AgUiEvent> RunAsync(RunAgentInput input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var client = _httpClientFactory.CreateClient(HttpClientName);
        await using var run = new HttpAgentRun(client, this, _options, input, _logger, cancellationToken);
        while (await run.NextAsync() is { } e)
        {
            yield return e;
        }
    }
}
