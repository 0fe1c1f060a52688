using System.Buffers;
using System.Text.Json;
using CopilotAspire.Runtime.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CopilotAspire.Runtime.Transcription;

/// <summary>
/// <c>POST {base}/transcribe</c> (wire spec §8.2): multipart field <c>audio</c>, or JSON
/// <c>{audio (base64), mimeType, filename?}</c>. Replies <c>200 {"text","size","type"}</c> or
/// <c>{"error","message","retryable"}</c>. Uploads are bounded by <c>maxBytes</c> of audio, found from
/// <c>Content-Length</c> or by counting while streaming, never by buffering a whole oversized body. A body that is
/// not valid multipart (truncated, another boundary, garbage) is a 400; a client that drops the connection
/// mid-upload is logged at debug and gets no answer.
/// </summary>
public static partial class TranscriptionRequestHandler
{
    /// <summary>The file name given to the service when the upload names none.</summary>
    public const string DefaultFileName = "recording.webm";

    /// <summary>The MIME base types accepted (plus <c>""</c> and <c>application/octet-stream</c>).</summary>
    public static IReadOnlyList<string> SupportedMimeTypes { get; } =
        ["audio/mpeg", "audio/mp3", "audio/mp4", "audio/wav", "audio/webm", "audio/ogg", "audio/flac", "audio/aac"];

    /// <summary>Multipart boundaries, part headers and other form fields allowed on top of the audio.</summary>
    private const long FormOverheadBytes = 64 * 1024;

    private const string JsonContentType = "application/json";

    /// <summary>
    /// Answers a <c>multipart/form-data</c> upload (field <c>audio</c>), or a JSON body, by content type.
    /// </summary>
    /// <param name="request">The request, read as a stream.</param>
    /// <param name="service">The transcription service; <see langword="null"/> answers 503
    /// <c>service_not_configured</c>.</param>
    /// <param name="maxBytes">The most audio accepted, in bytes; more answers 413 <c>audio_too_large</c>.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    public static async Task<IResult> HandleAsync(HttpRequest request, TranscriptionService? service, long maxBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (service is null)
        {
            return Error(TranscriptionErrorCode.ServiceNotConfigured, "Transcription service is not configured");
        }

        var contentType = request.ContentType ?? "";
        var isMultipart = contentType.Contains("multipart/form-data", StringComparison.OrdinalIgnoreCase);
        var isJson = !isMultipart && contentType.Contains("application/json", StringComparison.OrdinalIgnoreCase);
        if (!isMultipart && !isJson)
        {
            return Invalid("Request must be multipart/form-data or application/json with base64 audio");
        }

        // base64 inflates by 4/3; either way leave room for the envelope around the audio.
        var maxBody = (isJson ? (maxBytes + 2) / 3 * 4 : maxBytes) + FormOverheadBytes;
        if (request.ContentLength > maxBody)
        {
            return TooLarge(maxBytes);
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            // The audio is counted below; the server's own limit only has to cover the whole body (other form parts
            // included), replacing its default (30 MB) so that a larger configured limit works.
            size.MaxRequestBodySize = maxBody;
        }

        try
        {
            if (isJson)
            {
                var body = await ReadLimitedAsync(request.Body, maxBody, ct);
                if (body is null)
                {
                    return TooLarge(maxBytes);
                }
                JsonElement root;
                try
                {
                    using var document = JsonDocument.Parse(body.GetBuffer().AsMemory(0, (int)body.Length));
                    root = document.RootElement.Clone();
                }
                catch (JsonException)
                {
                    return Invalid("Request body must be valid JSON");
                }
                return await HandleJsonAsync(root, service, maxBytes, ct);
            }
            return await HandleMultipartAsync(request, service, maxBytes, ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(maxBytes);
        }
        catch (Exception ex) when (IsClientAbort(request, ex))
        {
            LogClientAborted(Logger(request),
                ex.GetType().Name, ex.Message);
            request.HttpContext.Abort(); // nobody to answer, and Kestrel must not try to drain a body whose read broke
            return Results.Empty;
        }
        catch (BadHttpRequestException ex)
        {
            // A body cut short (the client closed its side early, or sent a short Content-Length): the client's fault.
            LogBodyUnreadable(Logger(request),
                ex.Message);
            return Invalid($"Failed to read the request body: {ex.Message}");
        }
    }

    private static ILogger Logger(HttpRequest request) =>
        request.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TranscriptionRequestHandler));

    /// <summary>
    /// The client went away mid-request: a reset connection, or an I/O failure once the request is aborted. Nobody is
    /// left to answer.
    /// </summary>
    private static bool IsClientAbort(HttpRequest request, Exception ex) =>
        ex is Microsoft.AspNetCore.Connections.ConnectionResetException
        || (ex is BadHttpRequestException bad && HttpBodies.EndedWithConnection(bad))
        || (request.HttpContext.RequestAborted.IsCancellationRequested && ex is IOException or OperationCanceledException);

    [LoggerMessage(EventId = 52, Level = LogLevel.Debug, Message = "Transcription upload aborted by the client ({Exception}: {Reason})")]
    private static partial void LogClientAborted(ILogger logger, string exception, string reason);

    [LoggerMessage(EventId = 53, Level = LogLevel.Debug, Message = "Transcription upload could not be read: {Reason}")]
    private static partial void LogBodyUnreadable(ILogger logger, string reason);

    /// <summary>
    /// Answers a JSON upload <c>{audio (base64), mimeType, filename?}</c>, also as it arrives in a single-route
    /// envelope.
    /// </summary>
    /// <param name="body">The JSON object.</param>
    /// <param name="service">The transcription service; <see langword="null"/> answers 503
    /// <c>service_not_configured</c>.</param>
    /// <param name="maxBytes">The most decoded audio accepted, in bytes; more answers 413
    /// <c>audio_too_large</c>.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    public static async Task<IResult> HandleJsonAsync(JsonElement body, TranscriptionService? service, long maxBytes, CancellationToken ct)
    {
        if (service is null)
        {
            return Error(TranscriptionErrorCode.ServiceNotConfigured, "Transcription service is not configured");
        }
        if (body.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return Json(StatusCodes.Status400BadRequest, new TranscriptionErrorBody("invalid_request", "Missing request body for JSON handler", null));
        }

        var audio = StringProperty(body, "audio");
        if (string.IsNullOrEmpty(audio))
        {
            return Invalid("Request must include 'audio' field with base64-encoded audio data");
        }
        var mimeType = StringProperty(body, "mimeType");
        if (string.IsNullOrEmpty(mimeType))
        {
            return Invalid("Request must include 'mimeType' field (e.g., 'audio/webm')");
        }
        var fileName = StringProperty(body, "filename") is { Length: > 0 } name ? name : DefaultFileName;

        var base64 = audio.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && audio.IndexOf(',') is var comma and >= 0
            ? audio.AsMemory(comma + 1)
            : audio.AsMemory();
        if ((long)base64.Length / 4 * 3 > maxBytes + 2)
        {
            return TooLarge(maxBytes);
        }
        var bytes = new byte[base64.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64Chars(base64.Span, bytes, out var length) && !TryDecodeLenient(base64.Span, bytes, out length))
        {
            return Invalid("Failed to decode base64 audio data");
        }
        if (length > maxBytes)
        {
            return TooLarge(maxBytes);
        }
        if (!IsSupported(mimeType))
        {
            return Error(TranscriptionErrorCode.InvalidAudioFormat, UnsupportedMessage(mimeType));
        }
        return await TranscribeAsync(service, new MemoryStream(bytes, 0, length, writable: false), mimeType, fileName, length, ct);
    }

    private static async Task<IResult> HandleMultipartAsync(HttpRequest request, TranscriptionService service, long maxBytes, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary) is var boundary && StringSegment.IsNullOrEmpty(boundary))
        {
            return Invalid("Failed to parse multipart/form-data body: missing boundary");
        }

        var reader = new MultipartReader(boundary.Value!, request.Body);
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || HeaderUtilities.RemoveQuotes(disposition.Name).Value != "audio")
                {
                    continue;
                }
                if (!disposition.IsFileDisposition())
                {
                    break; // the first "audio" entry is a text value, not a file
                }

                // A Blob with no type (or a generic one) is what MediaRecorder produced: WebM.
                var type = section.ContentType ?? "";
                if (type.Length == 0 || type.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase))
                {
                    type = "audio/webm";
                }
                if (!IsSupported(type))
                {
                    return Error(TranscriptionErrorCode.InvalidAudioFormat, UnsupportedMessage(type));
                }
                var sent = HeaderUtilities.RemoveQuotes(StringSegment.IsNullOrEmpty(disposition.FileNameStar) ? disposition.FileName : disposition.FileNameStar).Value;
                var fileName = string.IsNullOrEmpty(sent) ? DefaultFileName : sent;

                var audio = await ReadLimitedAsync(section.Body, maxBytes, ct);
                if (audio is null)
                {
                    return TooLarge(maxBytes);
                }
                return await TranscribeAsync(service, audio, type, fileName, audio.Length, ct);
            }
        }
        catch (InvalidDataException ex)
        {
            return Invalid($"Failed to parse multipart/form-data body: {ex.Message}");
        }
        catch (IOException ex) when (ex is not (BadHttpRequestException or Microsoft.AspNetCore.Connections.ConnectionResetException)
            && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // MultipartReader's "Unexpected end of Stream": the body ended before its closing boundary (truncated,
            // another boundary, not multipart at all).
            return Invalid($"Failed to parse multipart/form-data body: {ex.Message.Trim()}");
        }
        return Invalid("No audio file found in form data. Please include an 'audio' field.");
    }

    private static async Task<IResult> TranscribeAsync(TranscriptionService service, MemoryStream audio, string type, string fileName, long size, CancellationToken ct)
    {
        await using (audio)
        {
            try
            {
                var text = await service.TranscribeFileAsync(new TranscribeFileOptions(audio, type, fileName, size), ct);
                return Json(StatusCodes.Status200OK, new TranscriptionResult(text, size, type));
            }
            catch (TranscriptionException ex)
            {
                return Error(ex);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                return Error(TranscriptionErrorCode.ProviderError, ex.Message);
            }
        }
    }

    /// <summary>The error body and status for <paramref name="ex"/>, chosen by its code.</summary>
    public static IResult Error(TranscriptionException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var status = ex.Code == TranscriptionErrorCode.ProviderError && ex.ProviderStatusCode == StatusCodes.Status503ServiceUnavailable
            ? StatusCodes.Status503ServiceUnavailable
            : StatusCode(ex.Code);
        return Json(status, new TranscriptionErrorBody(WireCode(ex.Code), FixedMessage(ex.Code) ?? ex.Message, Retryable(ex.Code)));
    }

    private static IResult Error(TranscriptionErrorCode code, string message) =>
        Json(StatusCode(code), new TranscriptionErrorBody(WireCode(code), FixedMessage(code) ?? message, Retryable(code)));

    private static IResult Invalid(string message) => Error(TranscriptionErrorCode.InvalidRequest, message);

    private static IResult TooLarge(long maxBytes) =>
        Error(TranscriptionErrorCode.AudioTooLarge, $"Audio file exceeds the limit of {maxBytes} bytes");

    private static IResult Json(int status, TranscriptionResult result) =>
        Results.Json(result, TranscriptionJsonContext.Relaxed.TranscriptionResult, JsonContentType, status);

    private static IResult Json(int status, TranscriptionErrorBody error) =>
        Results.Json(error, TranscriptionJsonContext.Relaxed.TranscriptionErrorBody, JsonContentType, status);

    /// <summary>
    /// The answer's <c>error</c> for <paramref name="code"/>: <c>invalid_audio_format</c>, <c>rate_limited</c>, … (wire
    /// spec §8.2).
    /// </summary>
    /// <param name="code">The cause.</param>
    public static string WireCode(TranscriptionErrorCode code) => code switch
    {
        TranscriptionErrorCode.ServiceNotConfigured => "service_not_configured",
        TranscriptionErrorCode.InvalidRequest => "invalid_request",
        TranscriptionErrorCode.InvalidAudioFormat => "invalid_audio_format",
        TranscriptionErrorCode.AudioTooLong => "audio_too_long",
        TranscriptionErrorCode.AudioTooShort => "audio_too_short",
        TranscriptionErrorCode.AudioTooLarge => "audio_too_large",
        TranscriptionErrorCode.RateLimited => "rate_limited",
        TranscriptionErrorCode.AuthFailed => "auth_failed",
        TranscriptionErrorCode.NetworkError => "network_error",
        _ => "provider_error",
    };

    /// <summary>The answer's HTTP status for <paramref name="code"/>: 400, 401, 413, 429, 502, 503 or 500.</summary>
    /// <param name="code">The cause.</param>
    public static int StatusCode(TranscriptionErrorCode code) => code switch
    {
        TranscriptionErrorCode.ServiceNotConfigured => StatusCodes.Status503ServiceUnavailable,
        TranscriptionErrorCode.InvalidRequest or TranscriptionErrorCode.InvalidAudioFormat
            or TranscriptionErrorCode.AudioTooLong or TranscriptionErrorCode.AudioTooShort => StatusCodes.Status400BadRequest,
        TranscriptionErrorCode.AudioTooLarge => StatusCodes.Status413PayloadTooLarge,
        TranscriptionErrorCode.RateLimited => StatusCodes.Status429TooManyRequests,
        TranscriptionErrorCode.AuthFailed => StatusCodes.Status401Unauthorized,
        TranscriptionErrorCode.NetworkError => StatusCodes.Status502BadGateway,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static bool Retryable(TranscriptionErrorCode code) =>
        code is TranscriptionErrorCode.RateLimited or TranscriptionErrorCode.ProviderError or TranscriptionErrorCode.NetworkError;

    /// <summary>The official runtime's fixed wording; for these codes the provider's text (which may quote a key) is not passed on.</summary>
    private static string? FixedMessage(TranscriptionErrorCode code) => code switch
    {
        TranscriptionErrorCode.RateLimited => "Rate limited. Please try again later.",
        TranscriptionErrorCode.AuthFailed => "Authentication failed with transcription provider",
        TranscriptionErrorCode.AudioTooLong => "Audio file is too long",
        _ => null,
    };

    private static bool IsSupported(string mimeType)
    {
        var semicolon = mimeType.IndexOf(';');
        var baseType = (semicolon >= 0 ? mimeType[..semicolon] : mimeType).Trim();
        return baseType.Length == 0
            || baseType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)
            || SupportedMimeTypes.Contains(baseType, StringComparer.OrdinalIgnoreCase);
    }

    private static string UnsupportedMessage(string mimeType) =>
        $"Unsupported audio format: {mimeType}. Supported: {string.Join(", ", SupportedMimeTypes)}";

    private static string? StringProperty(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>Accepts unpadded base64 and base64url (as Node's <c>Buffer.from(s, "base64")</c> does).</summary>
    private static bool TryDecodeLenient(ReadOnlySpan<char> base64, Span<byte> bytes, out int length)
    {
        var normalized = new char[(base64.Length + 3) / 4 * 4];
        var n = 0;
        foreach (var c in base64)
        {
            if (char.IsWhiteSpace(c) || c == '=')
            {
                continue;
            }
            normalized[n++] = c switch { '-' => '+', '_' => '/', _ => c };
        }
        while (n % 4 != 0)
        {
            normalized[n++] = '=';
        }
        return Convert.TryFromBase64Chars(normalized.AsSpan(0, n), bytes, out length);
    }

    /// <summary>Copies <paramref name="body"/> into memory, or returns <see langword="null"/> as soon as it passes <paramref name="limit"/> bytes.</summary>
    private static async Task<MemoryStream?> ReadLimitedAsync(Stream body, long limit, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    await buffer.DisposeAsync();
                    return null;
                }
                buffer.Write(chunk, 0, read);
            }
            buffer.Position = 0;
            return buffer;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
