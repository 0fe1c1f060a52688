using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CopilotAspire.Transcriber.Api;

/// <summary>
/// The multipart upload of <c>POST /v1/audio/transcriptions</c>, read section by section straight from the request
/// body: the <c>file</c> part is counted while it streams and refused (413) as soon as it passes the limit.
/// </summary>
public sealed record TranscriptionUpload(ReadOnlyMemory<byte> Audio, string FileName, IReadOnlyDictionary<string, string> Fields)
{
    /// <summary>Room for form fields, boundaries and part headers on top of the file limit.</summary>
    public const int FormOverheadBytes = 64 * 1024;

    private const int MaxFieldBytes = 16 * 1024;

    public static TranscriberApiException TooLarge(long maxFileBytes) =>
        new(StatusCodes.Status413PayloadTooLarge,
            $"The audio file is larger than the {maxFileBytes} bytes this service accepts.", "file_too_large", "file");

    public static async Task<TranscriptionUpload> ReadAsync(HttpRequest request, long maxFileBytes, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw new TranscriberApiException(StatusCodes.Status400BadRequest,
                "The request must be multipart/form-data, with the audio in a 'file' field.", "invalid_content_type");
        }
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary);
        if (StringSegment.IsNullOrEmpty(boundary))
        {
            throw new TranscriberApiException(StatusCodes.Status400BadRequest,
                "The multipart/form-data Content-Type has no boundary.", "invalid_content_type");
        }

        var reader = new MultipartReader(boundary.Value!, request.Body);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        byte[]? audio = null;
        var audioLength = 0;
        var fileName = "audio";
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (name == "file")
                {
                    if (!disposition.IsFileDisposition())
                    {
                        throw new TranscriberApiException(StatusCodes.Status400BadRequest,
                            "The 'file' field must be an uploaded file, not a text value.", "invalid_file", "file");
                    }
                    var file = await ReadLimitedAsync(section.Body, maxFileBytes, cancellationToken) ?? throw TooLarge(maxFileBytes);
                    (audio, audioLength) = (file.GetBuffer(), (int)file.Length);
                    var sent = HeaderUtilities.RemoveQuotes(StringSegment.IsNullOrEmpty(disposition.FileNameStar) ? disposition.FileName : disposition.FileNameStar).Value;
                    fileName = string.IsNullOrWhiteSpace(sent) ? fileName : sent;
                }
                else
                {
                    using var value = await ReadLimitedAsync(section.Body, MaxFieldBytes, cancellationToken)
                        ?? throw new TranscriberApiException(StatusCodes.Status400BadRequest,
                            $"The form field '{name}' is longer than {MaxFieldBytes} bytes.", "invalid_value", name);
                    fields[name] = Encoding.UTF8.GetString(value.GetBuffer(), 0, (int)value.Length);
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new TranscriberApiException(StatusCodes.Status400BadRequest, $"The multipart/form-data body is malformed: {ex.Message}", "invalid_multipart");
        }
        catch (IOException ex) when (ex is not (BadHttpRequestException or Microsoft.AspNetCore.Connections.ConnectionResetException)
            && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // MultipartReader's "Unexpected end of Stream": the body ended before its closing boundary (truncated,
            // another boundary, not multipart at all).
            throw new TranscriberApiException(StatusCodes.Status400BadRequest,
                $"The multipart/form-data body is malformed: it ended before the closing boundary '--{boundary.Value}--'.", "invalid_multipart");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(maxFileBytes);
        }

        if (audio is null)
        {
            throw new TranscriberApiException(StatusCodes.Status400BadRequest,
                "Missing required parameter: 'file' (the audio, as a multipart/form-data file).", "missing_file", "file");
        }
        return new TranscriptionUpload(audio.AsMemory(0, audioLength), fileName, fields);
    }

    /// <summary>Copies <paramref name="body"/> into memory, or returns <see langword="null"/> as soon as it passes <paramref name="limit"/> bytes.</summary>
    private static async Task<MemoryStream?> ReadLimitedAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                await buffer.DisposeAsync();
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer;
    }
}
