using System.Text.Json;
using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Http;
using CopilotAspire.Runtime.Middleware;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Runtime.Transcription;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Hosting;

/// <summary>
/// The runtime runs each request: the transports (the REST routes and the single-route envelope) take the request
/// apart (route values, envelope, headers, body bytes), call these methods and write what they answer. Everything
/// between (find and clone the agent, parse the input in the official order, forward the allowed headers, refuse while
/// draining, the thread scope, the runner) and what the request records for after-request middleware and telemetry
/// (<see cref="CopilotRequestState"/>) happens here.
/// </summary>
public sealed partial class CopilotRuntime
{
    private HeaderForwarding? _headerForwarding;
    private AgUiJsonContext? _requestsJson;

    private HeaderForwarding Headers => _headerForwarding ??= new HeaderForwarding(Options.ForwardHeaders);

    private AgUiJsonContext RequestsJson => _requestsJson ??= AgUiJson.ForRequests(Options.MaxJsonDepth);

    /// <summary>The SSE response of a run or connect, counted open by the drain and ended once a shutdown closes the streams.</summary>
    internal CopilotEventStreamResult EventStream(IAsyncEnumerable<RunnerEvent> events) =>
        new(events, TimeSpan.FromSeconds(Options.KeepAliveSeconds)) { Drain = Drain };

    /// <summary>
    /// <c>agent/run</c>: find and clone the agent (404 / 500), parse the input (400), forward the allowed headers onto
    /// the clone, refuse while draining (503), resolve the thread scope (403), start the run on the runner and answer
    /// its events as SSE (503 when the runner's store is unreachable). Both transports call it.
    /// </summary>
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
            var events = await Runner.RunAsync(new AgentRunRequest(input!.ThreadId, agentId, clone!, input) { Scope = scope }, cancellationToken);
            return EventStream(events);
        }
        catch (RunnerUnavailableException ex)
        {
            return CopilotResults.RunnerUnavailable(ex.Message);
        }
    }

    /// <summary>
    /// <c>agent/connect</c>: find the agent (404 / 500), parse the input (400), resolve the thread scope (403), then the
    /// thread's history and active run from the runner as SSE, after <paramref name="lastEventId"/> when given.
    /// </summary>
    public async Task<IResult> ConnectAsync(HttpContext context, string agentId, ReadOnlyMemory<byte> body, string? lastEventId, CancellationToken cancellationToken)
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
        state.Identify(input.ThreadId);
        var (scope, refused) = await ThreadScopeAsync(context, "agent/connect", cancellationToken);
        if (refused is not null)
        {
            return refused;
        }
        try
        {
            var events = await Runner.ConnectAsync(
                new AgentConnectRequest(input.ThreadId, agentId, Headers.Select(context.Request.Headers), lastEventId) { Scope = scope },
                cancellationToken);
            return EventStream(events);
        }
        catch (RunnerUnavailableException ex)
        {
            return CopilotResults.RunnerUnavailable(ex.Message);
        }
    }

    /// <summary>
    /// <c>agent/stop</c>: parse the optional <c>{"runId"}</c> body and the thread id (400), resolve the thread scope
    /// (403), find the agent (404), ask the runner to stop the thread's active run and answer what it found.
    /// </summary>
    public async Task<IResult> StopAsync(HttpContext context, string agentId, string threadId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var state = CopilotRequestState.Get(context);
        state.Dispatch("agent/stop", agentId);
        state.Identify(threadId);
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
        if (ThreadIds.Validate(threadId, Options.MaxThreadIdLength) is { } bad)
        {
            return CopilotResults.Error(StatusCodes.Status400BadRequest, "Invalid threadId", bad);
        }
        state.Identify(null, runId);
        var (scope, refused) = await ThreadScopeAsync(context, "agent/stop", cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        try
        {
            var agents = await ResolveAgentsAsync(context, cancellationToken);
            if (!agents.ContainsKey(agentId))
            {
                return CopilotResults.AgentNotFound(agentId);
            }
            var result = await Runner.StopAsync(new ThreadKey(threadId, scope), runId, cancellationToken);
            return CopilotResults.Stop(result.Stopped
                ? new StopResponse(true, Interrupt: new StopInterrupt(EventTypes.RunError, RunErrorCodes.StoppedMessage, RunErrorCodes.Stopped))
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
            LogHandlerFailed(_logger, "agent/stop", ex);
            return CopilotResults.Error(StatusCodes.Status500InternalServerError, "Failed to stop agent", ex.Message);
        }
    }

    /// <summary>
    /// What a run and a suggestion do before the agent runs, in the official order: find and clone the agent (404 /
    /// 500), parse the input (400), forward the allowed headers onto the clone, refuse while the server drains (503).
    /// </summary>
    internal async Task<(AbstractAgent? Clone, RunAgentInput? Input, IResult? Failure)> PrepareRunAsync(
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
            LogHandlerFailed(_logger, method, ex);
            return (null, null, CopilotResults.Error(StatusCodes.Status500InternalServerError, "Failed to run agent", ex.Message));
        }

        if (ParseInput(body, out var input) is { } invalid)
        {
            return (null, null, invalid);
        }
        state.Identify(input.ThreadId, input.RunId);
        HeaderForwarding.ApplyTo(clone, Headers.Select(context.Request.Headers));
        if (Drain is { IsDraining: true } drain)
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
            var agents = await ResolveAgentsAsync(context, cancellationToken);
            return agents.TryGetValue(agentId, out var agent) ? (agent, null) : (null, CopilotResults.AgentNotFound(agentId));
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogHandlerFailed(_logger, method, ex);
            return (null, CopilotResults.Error(StatusCodes.Status500InternalServerError, "Failed to run agent", ex.Message));
        }
    }

    /// <summary>The request's thread scope (<see cref="ThreadScopeResolver"/>), or the answer that refuses the request.</summary>
    internal async Task<(string? Scope, IResult? Refused)> ThreadScopeAsync(HttpContext context, string method, CancellationToken cancellationToken)
    {
        try
        {
            var scope = await ResolveThreadScopeAsync(context, cancellationToken);
            if (ThreadScopes.Validate(scope) is { } invalid)
            {
                LogInvalidThreadScope(_logger, method, invalid);
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
            LogHandlerFailed(_logger, method, ex);
            return (null, CopilotResults.InternalError());
        }
    }

    private IResult? ParseInput(ReadOnlyMemory<byte> body, out RunAgentInput input)
    {
        input = null!;
        try
        {
            input = JsonSerializer.Deserialize(body.Span, RequestsJson.RunAgentInput)
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
        if (ThreadIds.Validate(input.ThreadId, Options.MaxThreadIdLength) is { } bad)
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

    /// <summary>Records what the request is (for after-request middleware and telemetry): the one door to <see cref="CopilotRequestState"/> for handlers.</summary>
    internal static void Dispatch(HttpContext context, string method, string? agentId = null) => CopilotRequestState.Get(context).Dispatch(method, agentId);

    /// <summary><c>transcribe</c> on either transport: recorded, then <paramref name="transcribe"/> with this runtime's service.</summary>
    internal Task<IResult> TranscribeAsync(HttpContext context, Func<TranscriptionService?, Task<IResult>> transcribe)
    {
        Dispatch(context, "transcribe");
        return transcribe(TranscriptionService);
    }
}
