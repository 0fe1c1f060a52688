using System.Text.Json;
using CopilotAspire.Runtime.Hosting;
using CopilotAspire.Runtime.Http;
using CopilotAspire.Runtime.Transcription;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the CopilotKit runtime's endpoints: <c>app.MapCopilotRuntime()</c>.</summary>
public static class CopilotEndpointRouteBuilderExtensions
{
    /// <summary>Maps both transports at their configured paths; conventions added to the result apply to both.</summary>
    public static IEndpointConventionBuilder MapCopilotRuntime(this IEndpointRouteBuilder endpoints)
    {
        var rest = endpoints.MapCopilotEndpoint();
        var single = endpoints.MapCopilotSingleRouteEndpoint();
        return new CompositeConventionBuilder([rest, single]);
    }

    /// <summary>
    /// Maps the REST transport: <c>POST agent/{agentId}/run|connect|suggest</c>, <c>POST agent/{agentId}/stop/{threadId}</c>,
    /// <c>GET info</c>, <c>POST transcribe</c> under <paramref name="basePath"/> (default: <c>CopilotRuntime:BasePath</c>).
    /// Returns the route group so the host can add authorization, CORS or rate limiting.
    /// </summary>
    public static RouteGroupBuilder MapCopilotEndpoint(this IEndpointRouteBuilder endpoints, string? basePath = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var (runtime, handlers, threads, group) = CreateGroup(endpoints, basePath ?? Resolve(endpoints).Options.BasePath);
        var limit = runtime.Options.MaxRequestBodyBytes;

        group.MapPost("/agent/{agentId}/run", async Task<IResult> (HttpContext http, CancellationToken ct) =>
                await RequestBody.ReadAsync(http, limit, ct) is { } body ? await runtime.RunAsync(http, RawRouteValues.AgentId(http), body, ct) : CopilotResults.PayloadTooLarge(limit))
            .WithSummary("Runs an agent on a thread; streams AG-UI events as SSE.");
        group.MapPost("/agent/{agentId}/connect", async Task<IResult> (HttpContext http, CancellationToken ct) =>
                await RequestBody.ReadAsync(http, limit, ct) is { } body ? await runtime.ConnectAsync(http, RawRouteValues.AgentId(http), body, LastEventId(http), ct) : CopilotResults.PayloadTooLarge(limit))
            .WithSummary("Replays a thread and tails its active run as SSE.");
        group.MapPost("/agent/{agentId}/suggest", async Task<IResult> (HttpContext http, CancellationToken ct) =>
                await RequestBody.ReadAsync(http, limit, ct) is { } body ? await handlers.SuggestAsync(http, RawRouteValues.AgentId(http), body, ct) : CopilotResults.PayloadTooLarge(limit))
            .WithSummary("Runs an agent for suggestions, statelessly (no thread is stored); streams AG-UI events as SSE.");
        group.MapPost("/agent/{agentId}/stop/{threadId}", async Task<IResult> (HttpContext http, CancellationToken ct) =>
                await RequestBody.ReadAsync(http, limit, ct) is { } body ? await runtime.StopAsync(http, RawRouteValues.StopAgentId(http), RawRouteValues.ThreadId(http), body, ct) : CopilotResults.PayloadTooLarge(limit))
            .WithSummary("Stops the active run of a thread.");
        group.MapGet("/info", (HttpContext http, CancellationToken ct) => handlers.InfoAsync(http, ct))
            .WithSummary("Describes the runtime and its agents.");
        group.MapPost("/transcribe", (HttpContext http, CancellationToken ct) =>
                runtime.TranscribeAsync(http, service => TranscriptionRequestHandler.HandleAsync(http.Request, service, TranscriptionMaxBytes(http), ct)))
            .WithSummary("Transcribes recorded audio.");
        MapThreads(group, threads, limit);

        // Any method, FOO included (routing prefers the routes above, which name theirs): the router answers the JSON
        // 404 / 405 with CORS headers, never ASP.NET Core's bare 405.
        group.Map("/{**rest}", (HttpContext http, CancellationToken ct) => RestRouterAsync(http, runtime, ct))
            .WithMetadata(new CopilotRouteMetadata(CopilotRouteKind.Router))
            .ExcludeFromDescription();
        return group;
    }

    /// <summary>
    /// Maps the single-route transport (a JSON envelope <c>{"method","params","body"}</c> posted to one URL) at
    /// <paramref name="path"/> (default: <c>CopilotRuntime:SingleRoutePath</c>). Returns the route group.
    /// </summary>
    public static RouteGroupBuilder MapCopilotSingleRouteEndpoint(this IEndpointRouteBuilder endpoints, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var (runtime, handlers, threads, group) = CreateGroup(endpoints, path ?? Resolve(endpoints).Options.SingleRoutePath);
        group.MapPost("/{**rest}", (HttpContext http, CancellationToken ct) => SingleRouteEnvelope.HandleAsync(http, runtime, handlers, threads, ct))
            .WithMetadata(new CopilotRouteMetadata(CopilotRouteKind.Handler))
            .WithSummary("Dispatches a single-route envelope (agent/run, agent/suggest, agent/connect, agent/stop, info, transcribe, resource/request).");
        group.Map("/{**rest}", () => new MethodNotAllowedResult("POST")) // any other method (the preflight, when on, is preferred for OPTIONS)
            .WithMetadata(new CopilotRouteMetadata(CopilotRouteKind.Router))
            .ExcludeFromDescription();
        return group;
    }

    /// <summary>The SSE <c>Last-Event-ID</c> a connect resumes after, if the client sent one.</summary>
    internal static string? LastEventId(HttpContext http) => http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } id ? id : null;

    internal static long TranscriptionMaxBytes(HttpContext http) =>
        http.RequestServices.GetService<Microsoft.Extensions.Options.IOptions<TranscriptionOptions>>()?.Value.MaxBytes ?? TranscriptionOptions.DefaultMaxBytes;

    private static CopilotRuntime Resolve(IEndpointRouteBuilder endpoints) => endpoints.ServiceProvider.GetRequiredService<CopilotRuntime>();

    /// <summary>The <c>/threads</c> routes (wire spec §20); the router below answers their other methods with 405.</summary>
    private static void MapThreads(RouteGroupBuilder group, ThreadHandlers threads, long limit)
    {
        group.MapGet("/threads", (HttpContext http, CancellationToken ct) => threads.ListAsync(http, http.Request.Query, ct))
            .WithSummary("Lists the caller's threads of an agent, most recently updated first, a page at a time.");
        group.MapPost("/threads/clear", (HttpContext http, CancellationToken ct) => threads.ClearAsync(http, ct))
            .WithSummary("Deletes every idle thread of the caller (only with CopilotRuntime:Threads:AllowClear).");
        foreach (var what in new[] { "messages", "events", "state" })
        {
            group.MapGet("/threads/{threadId}/" + what, (HttpContext http, CancellationToken ct) => threads.InspectAsync(http, RawRouteValues.SegmentFromEnd(http, 2), what, ct))
                .WithSummary($"The {what} of a thread's stored runs.");
        }
        group.MapPost("/threads/{threadId}/archive", async Task<IResult> (HttpContext http, CancellationToken ct) =>
                await RequestBody.ReadAsync(http, limit, ct) is { } body ? await threads.ArchiveAsync(http, RawRouteValues.SegmentFromEnd(http, 2), body, ct) : CopilotResults.PayloadTooLarge(limit))
            .WithSummary("Archives a thread.");
        group.MapMethods("/threads/{threadId}", ["PATCH"], async Task<IResult> (HttpContext http, CancellationToken ct) =>
                await RequestBody.ReadAsync(http, limit, ct) is { } body ? await threads.UpdateAsync(http, RawRouteValues.SegmentFromEnd(http, 1), body, ct) : CopilotResults.PayloadTooLarge(limit))
            .WithSummary("Renames, archives or unarchives a thread.");
        group.MapDelete("/threads/{threadId}", async Task<IResult> (HttpContext http, CancellationToken ct) =>
                await RequestBody.ReadAsync(http, limit, ct) is { } body ? await threads.DeleteAsync(http, RawRouteValues.SegmentFromEnd(http, 1), body, ct) : CopilotResults.PayloadTooLarge(limit))
            .WithSummary("Deletes a thread and everything stored for it.");
    }

    private static (CopilotRuntime, RuntimeHandlers, ThreadHandlers, RouteGroupBuilder) CreateGroup(IEndpointRouteBuilder endpoints, string path)
    {
        var runtime = Resolve(endpoints);
        var services = endpoints.ServiceProvider;
        var loggerFactory = services.GetRequiredService<ILoggerFactory>();
        var handlers = new RuntimeHandlers(runtime, loggerFactory.CreateLogger<RuntimeHandlers>());
        var threads = new ThreadHandlers(runtime, loggerFactory.CreateLogger<ThreadHandlers>());
        var cors = new CopilotCors(runtime.Options.Cors);
        var normalized = path.Length > 1 ? path.TrimEnd('/') : path;
        var group = endpoints.MapGroup(normalized);
        group.AddEndpointFilter(new CopilotRequestFilter(runtime, cors, loggerFactory.CreateLogger("CopilotAspire.Runtime.Http")));
        group.WithTags("CopilotKit");
        group.WithMetadata(cors); // refusals by authorization answer with the JSON error and these CORS headers too
        if (cors.Enabled)
        {
            // Preflights carry no credentials: they stay anonymous when the host requires authorization.
            group.MapMethods("/{**rest}", ["OPTIONS"], () => cors.Preflight())
                .WithMetadata(new CopilotRouteMetadata(CopilotRouteKind.Preflight))
                .AllowAnonymous()
                .ExcludeFromDescription();
        }
        return (runtime, handlers, threads, group);
    }

    /// <summary>What the CopilotKit router answers when no route matched: 405 with <c>Allow</c>, or 404.</summary>
    private static async Task<IResult> RestRouterAsync(HttpContext http, CopilotRuntime runtime, CancellationToken cancellationToken)
    {
        var pattern = http.GetEndpoint() is RouteEndpoint e ? e.RoutePattern.RawText ?? "" : "";
        var prefix = pattern[..Math.Max(0, pattern.IndexOf("/{**rest}", StringComparison.Ordinal))];
        var segments = (http.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Skip(prefix.Split('/', StringSplitOptions.RemoveEmptyEntries).Length).ToArray();
        string? allow = segments switch
        {
            ["info"] => "GET",
            ["transcribe"] => "POST",
            ["agent", { Length: > 0 }, "run" or "connect" or "suggest"] => "POST",
            ["agent", { Length: > 0 }, "stop", { Length: > 0 }] => "POST",
            _ => ThreadResourceRequest.AllowedMethods(segments),
        };
        if (allow is not null)
        {
            return new MethodNotAllowedResult(allow);
        }
        if (HttpMethods.IsPost(http.Request.Method) && (http.Request.ContentType?.Contains("application/json", StringComparison.OrdinalIgnoreCase) ?? false)
            && await RequestBody.ReadAsync(http, runtime.Options.MaxRequestBodyBytes, cancellationToken) is { } body && EnvelopeMethod(body) is { } method)
        {
            return CopilotResults.Error(StatusCodes.Status404NotFound, "Not found",
                $"Received a single-route request envelope ({{ method: \"{method}\" }}) but this runtime is mounted in multi-route mode, so the request matched no route. Either drop useSingleEndpoint from the frontend provider so it negotiates the transport, or mount the runtime with mode: \"single-route\" to serve this envelope.",
                code: "single_route_envelope_against_multi_route_runtime");
        }
        return CopilotResults.NotFound();
    }

    private static string? EnvelopeMethod(byte[] body)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("method", out var m)
                && m.ValueKind == JsonValueKind.String && SingleRouteEnvelope.KnownMethods.Contains(m.GetString())
                ? m.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed class CompositeConventionBuilder(IEndpointConventionBuilder[] builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var builder in builders)
            {
                builder.Finally(finallyConvention);
            }
        }
    }
}
