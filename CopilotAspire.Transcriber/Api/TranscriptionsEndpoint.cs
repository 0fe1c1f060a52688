using System.Globalization;
using System.Text.RegularExpressions;
using CopilotAspire.Transcriber.Audio;
using CopilotAspire.Transcriber.Engine;
using CopilotAspire.Transcriber.Hosting;
using CopilotAspire.Transcriber.Processing;
using CopilotAspire.Transcriber.Telemetry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Transcriber.Api;

/// <summary>
/// <c>POST /v1/audio/transcriptions</c>, compatible with OpenAI's: multipart <c>file</c>, <c>model</c>,
/// <c>language</c>, <c>prompt</c>, <c>response_format</c>, <c>temperature</c>. Bad input gets a 4xx with an
/// OpenAI-shaped error, never a 500.
/// </summary>
public sealed partial class TranscriptionsEndpoint(
    ISpeechToTextClient engine,
    TranscriptionGate gate,
    TranscriptionProcessor processor,
    TranscriberTelemetry telemetry,
    IOptions<TranscriberOptions> options,
    ILogger<TranscriptionsEndpoint> logger)
{
    private readonly TranscriberOptions _options = options.Value;

    public async Task<IResult> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var status = SpeechEngineStatus.Of(engine);
        if (!status.IsReady)
        {
            var loading = status.State == SpeechEngineState.Loading;
            if (loading)
            {
                SetRetryAfter(context);
            }
            return Refuse(StatusCodes.Status503ServiceUnavailable, status.Description, OpenAiErrors.ServerError,
                loading ? "model_loading" : "engine_unavailable", "unavailable");
        }

        var maxBody = _options.MaxUploadBytes + TranscriptionUpload.FormOverheadBytes;
        if (context.Request.ContentLength > maxBody)
        {
            return Refuse(TranscriptionUpload.TooLarge(_options.MaxUploadBytes), "too_large");
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = maxBody;
        }

        using var admission = gate.TryAdmit();
        if (admission is null)
        {
            TranscriberLog.Rejected(logger, gate.Capacity);
            SetRetryAfter(context);
            return Refuse(StatusCodes.Status429TooManyRequests,
                $"The Transcriber is busy ({gate.Capacity} transcriptions running or queued). Retry after {_options.RetryAfterSeconds} s.",
                OpenAiErrors.RateLimit, "rate_limit_exceeded", "rejected");
        }

        try
        {
            var upload = await TranscriptionUpload.ReadAsync(context.Request, _options.MaxUploadBytes, cancellationToken);
            var (parameters, format) = ReadParameters(upload.Fields);
            var transcript = await processor.TranscribeAsync(upload.Audio, upload.FileName, parameters, admission, cancellationToken);
            telemetry.CountRequest("ok");
            return TranscriptFormats.ToResult(transcript, format);
        }
        catch (TranscriberApiException ex)
        {
            return Refuse(ex, ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? "too_large" : "invalid_request");
        }
        catch (InvalidAudioException ex)
        {
            return Refuse(new TranscriberApiException(StatusCodes.Status400BadRequest, ex.Message, ex.Code, "file"), "invalid_audio");
        }
        catch (UnsupportedAudioFormatException ex)
        {
            return Refuse(new TranscriberApiException(StatusCodes.Status415UnsupportedMediaType, ex.Message, "unsupported_audio_format", "file"),
                "unsupported_format");
        }
        catch (Exception ex) when (ex is Microsoft.AspNetCore.Connections.ConnectionResetException
            || (context.RequestAborted.IsCancellationRequested && ex is IOException or OperationCanceledException)
            || (ex is BadHttpRequestException && ex.Message.StartsWith("Unexpected end of request content", StringComparison.Ordinal)))
        {
            // The client went away (reset, closed mid-upload, gave up waiting): nobody is left to answer. Kestrel
            // reports a connection that ended mid-body either as a reset or as a body cut short, whichever it sees first.
            TranscriberLog.ClientAborted(logger, ex.GetType().Name, ex.Message);
            telemetry.CountRequest("aborted");
            context.Abort(); // nobody to answer, and Kestrel must not try to drain a body whose read broke
            return Results.Empty;
        }
        catch (BadHttpRequestException ex)
        {
            // A body the server could not read (cut short, malformed chunking): the client's side, never a 500.
            return Refuse(new TranscriberApiException(ex.StatusCode, $"The request body could not be read: {ex.Message}", "invalid_body"), "invalid_request");
        }
        catch (SpeechEngineUnavailableException ex)
        {
            return Refuse(StatusCodes.Status503ServiceUnavailable, ex.Message, OpenAiErrors.ServerError, "engine_unavailable", "unavailable");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            TranscriberLog.EngineFailed(logger, ex);
            return Refuse(StatusCodes.Status500InternalServerError, $"The transcription failed: {ex.Message}",
                OpenAiErrors.ServerError, "engine_error", "error");
        }
    }

    private (TranscriptionParameters Parameters, string Format) ReadParameters(IReadOnlyDictionary<string, string> fields)
    {
        var format = Field(fields, "response_format")?.ToLowerInvariant() ?? TranscriptFormats.Json;
        if (!TranscriptFormats.All.Contains(format))
        {
            throw Invalid($"response_format must be one of {string.Join(", ", TranscriptFormats.All)}.", "response_format");
        }

        var language = Field(fields, "language")?.ToLowerInvariant() ?? _options.DefaultLanguage;
        if (!LanguagePattern().IsMatch(language))
        {
            throw Invalid("language must be an ISO-639-1 code such as 'en', or 'auto'.", "language");
        }
        if (language != "auto" && engine.GetService<SpeechLanguages>() is { } supported && !supported.Codes.Contains(language))
        {
            // Whisper accepts an unknown code silently and transcribes as if none was given.
            throw Invalid($"language '{language}' is not supported by this model. Use 'auto' or one of: {string.Join(", ", supported.Codes.Order(StringComparer.Ordinal))}.", "language");
        }

        float? temperature = null;
        if (Field(fields, "temperature") is { } t)
        {
            if (!float.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value is < 0 or > 1)
            {
                throw Invalid("temperature must be a number between 0 and 1.", "temperature");
            }
            temperature = value;
        }

        var parameters = new TranscriptionParameters(
            Field(fields, "model") ?? _options.ServedModelId,
            language == "auto" ? null : language,
            Field(fields, "prompt"),
            temperature);
        return (parameters, format);
    }

    private static string? Field(IReadOnlyDictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static TranscriberApiException Invalid(string message, string param) =>
        new(StatusCodes.Status400BadRequest, message, "invalid_value", param);

    private void SetRetryAfter(HttpContext context) =>
        context.Response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);

    private IResult Refuse(int statusCode, string message, string type, string code, string outcome) =>
        Refuse(new TranscriberApiException(statusCode, message, code, null, type), outcome);

    private IResult Refuse(TranscriberApiException error, string outcome)
    {
        telemetry.CountRequest(outcome);
        TranscriberLog.Refused(logger, error.StatusCode, error.Code, error.Message);
        return OpenAiErrors.Result(error);
    }

    [GeneratedRegex("^(auto|[a-z]{2,3})$")]
    private static partial Regex LanguagePattern();
}
