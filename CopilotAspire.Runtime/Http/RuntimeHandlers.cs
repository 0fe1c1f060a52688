using System.Text.Json;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Hosting;
using CopilotAspire.Runtime.Middleware;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Http;

/// <summary>
/// The handlers behind both transports: the REST routes and the single-route envelope call the same code, so
/// their bodies and statuses cannot drift apart. Bodies arrive as bytes (the envelope's <c>body</c> re-encoded).
/// </summary>
internal sealed partial class RuntimeHandlers(CopilotRuntime runtime, ILogger<RuntimeHandlers> logger)
{
    private readonly HeaderForwarding _headers = new(runtime.Options.ForwardHeaders);
    private readonly AgUiJsonContext _requests = AgUiJson.ForRequests(runtime.Options.MaxJsonDepth);

    private TimeSpan KeepAlive => TimeSpan.FromSeconds(runtime.Options.KeepAliveSeconds);

    /// <summary>The SSE response of a run or connect, counted open by the drain and ended once a shutdown closes the streams.</summary>
    private CopilotEventStreamResult EventStream(IAsyncEnumerable<RunnerEvent> events) => new(events, KeepAlive) { Drain = runtime.Drain };

    public async Task<IResult> RunAsync(HttpContext context, string agentId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var (clone, input, failure) = await PrepareRunAsync(context, agentId, "agent/run", body, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }
        var (scope, refused) = await ThreadScopeAsync(context, "agent/run", cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        try
        {
            var events = await runtime.Runner.RunAsync(new AgentRunRequest(input!.ThreadId, agentId, clone!, input) { Scope = scope }, cancellationToken);
            return EventStream(events);
        }
        catch (RunnerUnavailableException ex)
        {
            return CopilotResults.RunnerUnavailable(ex.Message);
        }
    }

    public async Task<IResult> ConnectAsync(HttpContext context, string agentId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var state = CopilotRequestState.Get(context);
        state.Dispatch("agent/connect", agentId);
        if ((await FindAgentAsync(context, agentId, "agent/connect", cancellationToken)).Failure is { } failure)
        {
            return failure;
        }

        if (ParseInput(body, out var input) is { } invalid)
        {
            return invalid;
        }
        state.ThreadId = input.ThreadId;
        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        var (scope, refused) = await ThreadScopeAsync(context, "agent/connect", cancellationToken);
        if (refused is not null)
        {
            return refused;
        }
        try
        {
            var events = await runtime.Runner.ConnectAsync(
                new AgentConnectRequest(input.ThreadId, agentId, _headers.Select(context.Request.Headers), lastEventId.Length > 0 ? lastEventId : null) { Scope = scope },
                cancellationToken);
            return EventStream(events);
        }
        catch (RunnerUnavailableException ex)
        {
            return CopilotResults.RunnerUnavailable(ex.Message);
        }
    }

    public async Task<IResult> StopAsync(HttpContext context, string agentId, string threadId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var state = CopilotRequestState.Get(context);
        state.Dispatch("agent/stop", agentId);
        state.ThreadId = threadId;
        string? runId = null;
        if (!IsBlank(body.Span))
        {
            if (!System.Text.Unicode.Utf8.IsValid(body.Span))
            {
                return CopilotResults.Error(StatusCodes.Status400BadRequest, "Invalid stop request");
            }
            try
            {
                using var doc = JsonDocument.Parse(body);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object || root.EnumerateObject().Any(p => p.Name != "runId"))
                {
                    return CopilotResults.Error(StatusCodes.Status400BadRequest, "Invalid stop request");
                }
                if (root.TryGetProperty("runId", out var r))
                {
                    if (r.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(r.GetString()))
                    {
                        return CopilotResults.Error(StatusCodes.Status400BadRequest, "Invalid runId");
                    }
                    runId = r.GetString();
                }
            }
            catch (JsonException)
            {
                return CopilotResults.Error(StatusCodes.Status400BadRequest, "Invalid stop request");
            }
        }
        if (ThreadIds.Validate(threadId, runtime.Options.MaxThreadIdLength) is { } bad)
        {
            return CopilotResults.Error(StatusCodes.Status400BadRequest, "Invalid threadId", bad);
        }
        state.RunId = runId;
        var (scope, refused) = await ThreadScopeAsync(context, "agent/stop", cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        try
        {
            var agents = await runtime.ResolveAgentsAsync(context, cancellationToken);
            if (!agents.ContainsKey(agentId))
            {
                return CopilotResults.AgentNotFound(agentId);
            }
            var result = await runtime.Runner.StopAsync(new ThreadKey(threadId, scope), runId, cancellationToken);
            return CopilotResults.Stop(result.Stopped
                ? new StopResponse(true, Interrupt: new StopInterrupt("RUN_ERROR", "Run stopped by user", "STOPPED"))
                : new StopResponse(false, runId is null
                    ? $"No active run for thread '{threadId}'."
                    : $"Run '{runId}' is not the active run for thread '{threadId}'."));
        }
        catch (RunnerUnavailableException ex)
        {
            return CopilotResults.RunnerUnavailable(ex.Message);
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogHandlerFailed(logger, "agent/stop", ex);
            return CopilotResults.Error(StatusCodes.Status500InternalServerError, "Failed to stop agent", ex.Message);
        }
    }

    /// <param name="singleRoute">
    /// Asked through the single route: as the official runtime, the top-level <c>threadEndpoints</c> are all off there and
    /// the <c>singleRoute</c> block says what <c>resource/request</c> reaches.
    /// </param>
    public async Task<IResult> InfoAsync(HttpContext context, CancellationToken cancellationToken, bool singleRoute = false)
    {
        CopilotRequestState.Get(context).Dispatch("info");
        try
        {
            var agents = await runtime.ResolveAgentsAsync(context, cancellationToken);
            var infos = new Dictionary<string, AgentInfo>(StringComparer.Ordinal);
            foreach (var (id, agent) in agents)
            {
                JsonElement? capabilities = null;
                try
                {
                    capabilities = await agent.GetCapabilitiesAsync(cancellationToken);
                }
#pragma warning disable CA1031 // A throwing agent is listed without capabilities.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogCapabilitiesFailed(logger, id, ex);
                }
                infos[id] = new AgentInfo(id, agent.Description, agent.ClassName, capabilities);
            }
            return CopilotResults.Info(new RuntimeInfo
            {
                Version = CopilotRuntime.Version,
                Agents = infos,
                AudioFileTranscriptionEnabled = runtime.TranscriptionService is not null,
                ThreadEndpoints = singleRoute ? new ThreadEndpointsInfo(false, false, false, false) : ThreadHandlers.EndpointsInfo(runtime),
                SingleRoute = singleRoute ? new SingleRouteInfo(true, ThreadHandlers.EndpointsInfo(runtime)) : null,
                Suggestions = true,
            });
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogHandlerFailed(logger, "info", ex);
            return CopilotResults.Error(StatusCodes.Status500InternalServerError, "Failed to retrieve runtime information", ex.Message);
        }
    }

    /// <summary>
    /// What a run and a suggestion do before the agent runs, in the official order: find and clone the agent (404 /
    /// 500), parse the input (400), forward the allowed headers onto the clone, refuse while the server drains (503).
    /// </summary>
    private async Task<(AbstractAgent? Clone, RunAgentInput? Input, IResult? Failure)> PrepareRunAsync(
        HttpContext context, string agentId, string method, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var state = CopilotRequestState.Get(context);
        state.Dispatch(method, agentId);
        var (agent, failure) = await FindAgentAsync(context, agentId, method, cancellationToken);
        if (failure is not null)
        {
            return (null, null, failure);
        }
        AbstractAgent clone;
        try
        {
            clone = agent!.Clone();
            clone.AgentId = agentId;
        }
#pragma warning disable CA1031 // The official runtime answers any failure here with this 500.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogHandlerFailed(logger, method, ex);
            return (null, null, CopilotResults.Error(StatusCodes.Status500InternalServerError, "Failed to run agent", ex.Message));
        }

        if (ParseInput(body, out var input) is { } invalid)
        {
            return (null, null, invalid);
        }
        state.ThreadId = input.ThreadId;
        state.RunId = input.RunId;
        HeaderForwarding.ApplyTo(clone, _headers.Select(context.Request.Headers));
        if (runtime.Drain is { IsDraining: true } drain)
        {
            return (null, null, new RetryAfterResult(CopilotResults.RunnerUnavailable("The server is shutting down; retry on another instance or once it is back."), drain.RetryAfterSeconds));
        }
        return (clone, input, null);
    }

    /// <summary>
    /// The agent registered under <paramref name="agentId"/>, or the 404 / 500 to answer. Both run and connect answer
    /// a failing agent registry with "Failed to run agent", as the official runtime does.
    /// </summary>
    private async Task<(AbstractAgent? Agent, IResult? Failure)> FindAgentAsync(HttpContext context, string agentId, string method, CancellationToken cancellationToken)
    {
        try
        {
            var agents = await runtime.ResolveAgentsAsync(context, cancellationToken);
            return agents.TryGetValue(agentId, out var agent) ? (agent, null) : (null, CopilotResults.AgentNotFound(agentId));
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogHandlerFailed(logger, method, ex);
            return (null, CopilotResults.Error(StatusCodes.Status500InternalServerError, "Failed to run agent", ex.Message));
        }
    }

    /// <summary>The request's thread scope (<see cref="ThreadScopeResolver"/>), or the answer that refuses the request.</summary>
    internal async Task<(string? Scope, IResult? Refused)> ThreadScopeAsync(HttpContext context, string method, CancellationToken cancellationToken)
    {
        try
        {
            var scope = await runtime.ResolveThreadScopeAsync(context, cancellationToken);
            if (ThreadScopes.Validate(scope) is { } invalid)
            {
                LogInvalidThreadScope(logger, method, invalid);
                return (null, CopilotResults.Error(StatusCodes.Status403Forbidden, "forbidden", invalid));
            }
            return (scope, null);
        }
        catch (CopilotShortCircuitException ex)
        {
            return (null, ex.Result);
        }
#pragma warning disable CA1031 // A failing scope resolver refuses the request; its message is not leaked.
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            LogHandlerFailed(logger, method, ex);
            return (null, CopilotResults.InternalError());
        }
    }

    private IResult? ParseInput(ReadOnlyMemory<byte> body, out RunAgentInput input)
    {
        input = null!;
        try
        {
            input = JsonSerializer.Deserialize(body.Span, _requests.RunAgentInput)
                ?? throw new JsonException("The request body must be a RunAgentInput object, not null.");
            if (input.FindNullElement() is { } nullElement)
            {
                throw new JsonException($"'{nullElement}' must not contain null.");
            }
        }
        catch (JsonException ex)
        {
            return CopilotResults.Error(StatusCodes.Status400BadRequest, "Invalid request body", details: ex.Message);
        }
        if (ThreadIds.Validate(input.ThreadId, runtime.Options.MaxThreadIdLength) is { } bad)
        {
            return CopilotResults.Error(StatusCodes.Status400BadRequest, "Invalid request body", details: bad);
        }
        return null;
    }

    private static bool IsBlank(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }
        return true;
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Runtime handler {Method} failed")]
    private static partial void LogHandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "The thread scope resolver gave {Method} an unusable scope: {Reason}")]
    private static partial void LogInvalidThreadScope(ILogger logger, string method, string reason);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Agent {AgentId} failed to report its capabilities")]
    private static partial void LogCapabilitiesFailed(ILogger logger, string agentId, Exception exception);
}
