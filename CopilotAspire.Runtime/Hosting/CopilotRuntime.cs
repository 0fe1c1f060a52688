using System.Reflection;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Middleware;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Runtime.Telemetry;
using CopilotAspire.Runtime.Transcription;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Runtime.Hosting;

/// <summary>
/// The CopilotKit runtime: its agents, runner, transcription service and middleware. One per host; the endpoint
/// maps (<c>MapCopilotEndpoint</c>, <c>MapCopilotSingleRouteEndpoint</c>) serve it.
/// </summary>
public sealed partial class CopilotRuntime
{
    private readonly IReadOnlyDictionary<string, AbstractAgent> _agents;
    private readonly AgentsFactory? _factory;
    private readonly ThreadScopeResolver? _threadScope;
    private readonly BeforeRequestMiddleware[] _before;
    private readonly AfterRequestMiddleware[] _after;
    private readonly ILogger<CopilotRuntime> _logger;

    /// <summary>
    /// Builds the runtime and every registered agent at once, so a misconfigured agent stops the app at start.
    /// <c>AddCopilotRuntime</c> registers it; hosts rarely call this themselves.
    /// </summary>
    /// <param name="options">The runtime's settings.</param>
    /// <param name="runner">Where runs execute and threads are stored.</param>
    /// <param name="agents">The registered agents, by id (a later registration of an id wins).</param>
    /// <param name="before">Before-request middleware, in registration order.</param>
    /// <param name="after">After-request middleware, in registration order.</param>
    /// <param name="services">Resolves the optional parts: transcription, drain, agents factory, thread scope.</param>
    /// <param name="logger">Where the runtime logs.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="services"/> is
    /// <see langword="null"/>.</exception>
    public CopilotRuntime(
        IOptions<CopilotRuntimeOptions> options,
        AgentRunner runner,
        IEnumerable<AgentRegistration> agents,
        IEnumerable<BeforeRequestMiddleware> before,
        IEnumerable<AfterRequestRegistration> after,
        IServiceProvider services,
        ILogger<CopilotRuntime> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        Options = options.Value;
        Runner = runner;
        TranscriptionService = services.GetService<TranscriptionService>();
        Drain = services.GetService<CopilotRuntimeDrain>();
        _factory = services.GetService<AgentsFactory>();
        _threadScope = services.GetService<ThreadScopeResolver>();
        _before = before.ToArray();
        var registrations = after.ToArray();
        _after = [.. registrations.Select(r => r.Middleware)];
        AfterRequestReadsMessages = registrations.Any(r => r.ReadsMessages);
        _logger = logger;
        // Built now, not on first request: the endpoint maps construct the runtime, so a misconfigured agent
        // (unknown provider, bad model id) stops the app at start with its message.
        var map = new Dictionary<string, AbstractAgent>(StringComparer.Ordinal);
        foreach (var registration in agents)
        {
            var agent = registration.Create(services);
            agent.AgentId = registration.Id;
            map[registration.Id] = agent;
        }
        _agents = map;

        if (map.Values.OfType<ScriptedAgent>().Any() && services.GetService<IHostEnvironment>() is { } environment && !environment.IsDevelopment())
        {
            LogScriptedAgentEnabled(_logger, environment.EnvironmentName);
        }
    }

    /// <summary>This library's version, reported by <c>/info</c>.</summary>
    public static string Version { get; } = typeof(CopilotRuntime).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The settings the runtime was built with.</summary>
    public CopilotRuntimeOptions Options { get; }

    /// <summary>The runner every run, connect and stop goes to (in-memory unless one is registered).</summary>
    public AgentRunner Runner { get; }

    /// <summary>The graceful shutdown (absent when the runtime is built outside <c>AddCopilotRuntime</c>).</summary>
    public CopilotRuntimeDrain? Drain { get; }

    /// <summary>An after-request middleware registered with <c>readsMessages: true</c>: the stream's messages are rebuilt for it.</summary>
    internal bool AfterRequestReadsMessages { get; }

    /// <summary>Enables <c>/transcribe</c> when set; <c>/info</c> reports <c>audioFileTranscriptionEnabled</c> from it.</summary>
    public TranscriptionService? TranscriptionService { get; }

    /// <summary>The agents for this request: the factory's, or the registered ones.</summary>
    public ValueTask<IReadOnlyDictionary<string, AbstractAgent>> ResolveAgentsAsync(HttpContext context, CancellationToken cancellationToken) =>
        _factory is not null ? _factory(context, cancellationToken) : ValueTask.FromResult(_agents);

    /// <summary>The thread scope of this request (<see cref="ThreadScopeResolver"/>); <see langword="null"/> when threads are not scoped.</summary>
    public ValueTask<string?> ResolveThreadScopeAsync(HttpContext context, CancellationToken cancellationToken) =>
        _threadScope is not null ? _threadScope(context, cancellationToken) : ValueTask.FromResult<string?>(null);

    internal async ValueTask<IResult?> RunBeforeRequestAsync(HttpContext context)
    {
        foreach (var middleware in _before)
        {
            var result = await middleware(new BeforeRequestContext(context, context.Request.PathBase + context.Request.Path));
            if (result is not null)
            {
                return result;
            }
        }
        return null;
    }

    internal async Task RunAfterRequestAsync(AfterRequestContext context)
    {
        foreach (var middleware in _after)
        {
            try
            {
                await middleware(context);
            }
#pragma warning disable CA1031 // After-request middleware must never affect the client.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogAfterRequestFailed(_logger, context.Path, ex);
            }
        }
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "The keyless 'scripted' test agent is enabled in {Environment}: it echoes the headers forwarded to it (Authorization included) into thread history, which connect replays. Turn it off outside tests with CopilotRuntime__ScriptedAgent__Enabled=false.")]
    private static partial void LogScriptedAgentEnabled(ILogger logger, string environment);

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Error running after request middleware for {Path}")]
    private static partial void LogAfterRequestFailed(ILogger logger, string path, Exception exception);
}
