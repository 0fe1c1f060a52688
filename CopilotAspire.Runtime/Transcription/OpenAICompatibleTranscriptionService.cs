using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Runtime.Transcription;

/// <summary>
/// Transcribes through <c>POST {Endpoint}/audio/transcriptions</c> of any OpenAI-compatible server (the
/// Transcriber, OpenAI, a local whisper server): multipart <c>file</c>, <c>model</c>, optional <c>language</c>.
/// Provider failures become <see cref="TranscriptionException"/>s by HTTP status: 429 rate_limited, 401/403
/// auth_failed, 413 audio_too_large, 400/415/422 invalid_audio_format (or audio_too_long/short by the error's
/// <c>code</c>), 503 and other 5xx provider_error, no answer (unreachable, timed out, circuit open) network_error.
/// </summary>
public sealed partial class OpenAICompatibleTranscriptionService(
    IHttpClientFactory httpClientFactory, IOptions<TranscriptionOptions> options, ILogger<OpenAICompatibleTranscriptionService> logger)
    : TranscriptionService
{
    /// <summary>The name of the <see cref="HttpClient"/> this service uses (configure resilience for it by this name).</summary>
    public const string HttpClientName = "CopilotAspire.Transcription";

    private const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>
    /// POSTs the audio to <c>{Endpoint}/audio/transcriptions</c> (multipart, OpenAI's shape) and returns its
    /// <c>text</c>.
    /// </summary>
    /// <param name="file">The audio and its type.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    /// <returns>The text.</returns>
    /// <exception cref="TranscriptionException">The provider refused the audio, rate-limited, rejected the key, failed
    /// or could not be reached.</exception>
    public override async Task<string> TranscribeFileAsync(TranscribeFileOptions file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var settings = options.Value;
        var http = httpClientFactory.CreateClient(HttpClientName);

        using var form = FormData.Create();
        var audio = new StreamContent(file.Audio);
        audio.Headers.ContentType = MediaTypeHeaderValue.TryParse(file.MimeType, out var type) ? type : new MediaTypeHeaderValue("application/octet-stream");
        form.Add(FormData.File(audio, "file", file.FileName));
        form.Add(FormData.Field("model", settings.Model));
        if (!string.IsNullOrEmpty(settings.Language))
        {
            form.Add(FormData.Field("language", settings.Language));
        }
        form.Add(FormData.Field("response_format", "json"));

        using var request = new HttpRequestMessage(HttpMethod.Post, "audio/transcriptions") { Content = form };
        if (!string.IsNullOrEmpty(settings.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            LogUnreachable(logger, http.BaseAddress, ex.Message);
            throw new TranscriptionException(TranscriptionErrorCode.NetworkError, $"The transcription provider could not be reached: {ex.Message}", ex);
        }
        catch (Polly.ExecutionRejectedException ex)
        {
            // The resilience pipeline gave up: its attempt/total timeout (TimeoutRejectedException) or an open circuit
            // (BrokenCircuitException). Either way the provider did not answer: retryable, not the provider's error.
            var reason = ex is Polly.Timeout.TimeoutRejectedException ? "timed out" : ex.Message;
            LogUnreachable(logger, http.BaseAddress, reason);
            throw new TranscriptionException(TranscriptionErrorCode.NetworkError, ex is Polly.Timeout.TimeoutRejectedException
                ? $"The transcription provider did not answer within {settings.TimeoutSeconds} s."
                : $"The transcription provider could not be reached: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(logger, http.BaseAddress, "timed out");
            throw new TranscriptionException(TranscriptionErrorCode.NetworkError,
                $"The transcription provider did not answer within {settings.TimeoutSeconds} s.", ex);
        }

        using (response)
        {
            var body = await ReadBodyAsync(response, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return ReadText(body) ?? throw new TranscriptionException(TranscriptionErrorCode.ProviderError,
                    "The transcription provider's answer has no 'text'.", providerStatusCode: (int)response.StatusCode);
            }

            var (message, code) = ReadError(body);
            var status = (int)response.StatusCode;
            message = $"The transcription provider answered {status}: {message ?? response.ReasonPhrase ?? "no details"}";
            LogRefused(logger, status, code);
            var errorCode = response.StatusCode switch
            {
                HttpStatusCode.TooManyRequests => TranscriptionErrorCode.RateLimited,
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => TranscriptionErrorCode.AuthFailed,
                HttpStatusCode.RequestEntityTooLarge => TranscriptionErrorCode.AudioTooLarge,
                HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType or HttpStatusCode.UnprocessableEntity => code switch
                {
                    "audio_too_long" => TranscriptionErrorCode.AudioTooLong,
                    "audio_too_short" => TranscriptionErrorCode.AudioTooShort,
                    _ => TranscriptionErrorCode.InvalidAudioFormat,
                },
                HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout => TranscriptionErrorCode.NetworkError,
                _ => TranscriptionErrorCode.ProviderError,
            };
            throw new TranscriptionException(errorCode, message, providerStatusCode: status);
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (!response.IsSuccessStatusCode && buffer.Length >= MaxErrorBodyBytes)
            {
                break; // an error body is only read for its message
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static string? ReadText(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
                ? text.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The <c>error.message</c> and <c>error.code</c> of an OpenAI-shaped error body, when it is one.</summary>
    private static (string? Message, string? Code) ReadError(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("error", out var error))
            {
                return (null, null);
            }
            if (error.ValueKind == JsonValueKind.String)
            {
                return (error.GetString(), null);
            }
            var message = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            var code = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            return (message, code);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    [LoggerMessage(EventId = 50, Level = LogLevel.Warning, Message = "Transcription provider {BaseAddress} could not be reached: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, Uri? baseAddress, string reason);

    [LoggerMessage(EventId = 51, Level = LogLevel.Warning, Message = "Transcription provider answered {StatusCode} (code {Code})")]
    private static partial void LogRefused(ILogger logger, int statusCode, string? code);
}
