using System.Text.Json;
using CopilotAspire.Runtime.Http;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Runtime.Transcription;

/// <summary>Placeholder until the transcription work lands: answers 503 when no service is configured.</summary>
public static class TranscriptionRequestHandler
{
    public static Task<IResult> HandleAsync(HttpRequest request, TranscriptionService? service, long maxBytes, CancellationToken ct) =>
        Task.FromResult<IResult>(CopilotResults.Error(StatusCodes.Status503ServiceUnavailable, "service_not_configured", "Transcription service is not configured"));

    public static Task<IResult> HandleJsonAsync(JsonElement body, TranscriptionService? service, long maxBytes, CancellationToken ct) =>
        Task.FromResult<IResult>(CopilotResults.Error(StatusCodes.Status503ServiceUnavailable, "service_not_configured", "Transcription service is not configured"));
}
