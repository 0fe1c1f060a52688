using CopilotAspire.Transcriber.Hosting;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Transcriber.Api;

/// <summary>Maps the OpenAI-compatible routes of the Transcriber.</summary>
public static class TranscriberApi
{
    private static readonly long s_created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static RouteGroupBuilder MapTranscriberApi(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1").WithTags("OpenAI-compatible");
        v1.MapPost("/audio/transcriptions", (HttpContext context, TranscriptionsEndpoint endpoint, CancellationToken cancellationToken) =>
                endpoint.HandleAsync(context, cancellationToken))
            .WithName("CreateTranscription");
        v1.MapGet("/models", (IOptions<TranscriberOptions> options) => Results.Json(
                new ModelListJson("list", [new ModelJson(options.Value.ServedModelId, "model", s_created, "copilotaspire")]),
                TranscriberJsonContext.Relaxed.ModelListJson, "application/json"))
            .WithName("ListModels");
        return v1;
    }
}
