using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CopilotAspire.Runtime.Http;

/// <summary>Reads a request body up to a limit, without buffering more than the limit.</summary>
internal static class RequestBody
{
    /// <summary>The body's bytes, or <see langword="null"/> when it is larger than <paramref name="limit"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            return null;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null; // this method enforces the limit itself, with the runtime's JSON error
        }
        var reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            if (read.Buffer.Length > limit)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                return null;
            }
            if (read.IsCompleted)
            {
                var bytes = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);
                return bytes;
            }
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }
}

/// <summary>Thread ids are checked before a runner (and so a Redis key) ever sees them.</summary>
public static class ThreadIds
{
    /// <summary>Why <paramref name="threadId"/> is not acceptable, or <see langword="null"/> if it is.</summary>
    public static string? Validate(string? threadId, int maxLength)
    {
        if (string.IsNullOrEmpty(threadId))
        {
            return "threadId must not be empty.";
        }
        if (threadId.Length > maxLength)
        {
            return $"threadId must be at most {maxLength} characters.";
        }
        foreach (var c in threadId)
        {
            if (char.IsControl(c))
            {
                return "threadId must not contain control characters.";
            }
        }
        return null;
    }
}
