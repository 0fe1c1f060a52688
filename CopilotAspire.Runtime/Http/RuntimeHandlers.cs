using System.Text.Json;
using CopilotAspire.Runtime.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Http;

/// <summary>
/// The handlers behind both transports that the runtime does not run itself (<c>info</c>, <c>suggest</c>; run, connect
/// and stop are <see cref="CopilotRuntime.RunAsync"/>, <see cref="CopilotRuntime.ConnectAsync"/>,
/// <see cref="CopilotRuntime.StopAsync"/>): the REST routes and the single-route envelope call the same code, so their
/// bodies and statuses cannot drift apart. Bodies arrive as bytes (the envelope's <c>body</c> re-encoded).
/// </summary>
internal sealed partial class RuntimeHandlers(CopilotRuntime runtime, ILogger<RuntimeHandlers> logger)
{
    /// <param name="context">The request.</param>
    /// <param name="cancellationToken">The request's token.</param>
    /// <param name="singleRoute">
    /// Asked through the single route: as the official runtime, the top-level <c>threadEndpoints</c> are all off there and
    /// the <c>singleRoute</c> block says what <c>resource/request</c> reaches.
    /// </param>
    public async Task<IResult> InfoAsync(HttpContext context, CancellationToken cancellationToken, bool singleRoute = false)
    {
        CopilotRuntime.Dispatch(context, "info");
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

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Agent {AgentId} failed to report its capabilities")]
    private static partial void LogCapabilitiesFailed(ILogger logger, string agentId, Exception exception);

    [LoggerMessage(EventId = 3600, Level = LogLevel.Error, Message = "Runtime handler {Method} failed")]
    private static partial void LogHandlerFailed(ILogger logger, string method, Exception exception);
}
