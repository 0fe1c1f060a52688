using System.Text;
using System.Text.Json.Nodes;

namespace CopilotAspire.Testing;

/// <summary>
/// A real SSE parser, with the official client's rules: frames split on a blank line (<c>\n\n</c>), <c>data:</c>
/// lines joined with <c>\n</c>, one optional space after the colon, comments kept so tests can see keep-alives.
/// The one SSE reader of the tests and the soak tool (the benchmark's <c>SseCounter</c> only counts bytes).
/// </summary>
public static class Sse
{
    /// <param name="bufferSize">Bytes read at a time (the soak tool, holding thousands of streams, reads less).</param>
    public static async IAsyncEnumerable<SseFrame> ReadFramesAsync(Stream stream, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default,
        int bufferSize = 8192)
    {
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[bufferSize];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        var pending = "";
        while (true)
        {
            var read = await stream.ReadAsync(bytes, cancellationToken);
            if (read == 0)
            {
                break;
            }
            var count = decoder.GetChars(bytes, 0, read, chars, 0);
            pending += new string(chars, 0, count);
            int start = 0, end;
            while ((end = pending.IndexOf("\n\n", start, StringComparison.Ordinal)) >= 0)
            {
                yield return ParseBlock(pending[start..end]);
                start = end + 2;
            }
            pending = pending[start..];
        }
        if (pending.Length > 0)
        {
            throw new InvalidDataException($"Stream ended inside a frame: '{pending}'");
        }
    }

    public static async Task<List<SseFrame>> ReadAllAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var frames = new List<SseFrame>();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var frame in ReadFramesAsync(stream, cancellationToken))
        {
            frames.Add(frame);
        }
        return frames;
    }

    /// <summary>The data frames' event types, keep-alive comments skipped.</summary>
    public static List<string> Types(this IEnumerable<SseFrame> frames) => frames.Where(f => f.Data is not null).Select(f => f.Type).ToList();

    public static List<JsonObject> Events(this IEnumerable<SseFrame> frames) => frames.Where(f => f.Data is not null).Select(f => f.Json).ToList();

    private static SseFrame ParseBlock(string block)
    {
        string? id = null, comment = null;
        List<string>? data = null;
        foreach (var line in block.Split('\n'))
        {
            if (line.StartsWith(':'))
            {
                comment = line[1..].TrimStart();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                (data ??= []).Add(line.Length > 5 && line[5] == ' ' ? line[6..] : line[5..]);
            }
            else if (line.StartsWith("id:", StringComparison.Ordinal))
            {
                id = line.Length > 3 && line[3] == ' ' ? line[4..] : line[3..];
            }
        }
        return new SseFrame(data is null ? null : string.Join('\n', data), id, comment);
    }
}
