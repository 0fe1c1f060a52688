using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CopilotAspire.Tests.Infrastructure;

/// <summary>One SSE frame as a client parses it: data lines joined, optional id, or a comment (keep-alive).</summary>
public sealed record SseFrame(string? Data, string? Id, string? Comment)
{
    // JavaScript's JSON.parse has no depth limit; neither should the test client's.
    public JsonObject Json => JsonNode.Parse(Data ?? throw new InvalidOperationException("Comment frame has no data."), documentOptions: new JsonDocumentOptions { MaxDepth = 1024 })!.AsObject();

    public string Type => (string)Json["type"]!;
}

/// <summary>
/// A real SSE parser, with the official client's rules: frames split on a blank line (<c>\n\n</c>), <c>data:</c>
/// lines joined with <c>\n</c>, one optional space after the colon, comments kept so tests can see keep-alives.
/// </summary>
public static class Sse
{
    public static async IAsyncEnumerable<SseFrame> ReadFramesAsync(Stream stream, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[8192];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        var pending = new StringBuilder();
        while (true)
        {
            var read = await stream.ReadAsync(bytes, cancellationToken);
            if (read == 0)
            {
                break;
            }
            var count = decoder.GetChars(bytes, 0, read, chars, 0);
            pending.Append(chars, 0, count);
            int end;
            while ((end = pending.ToString().IndexOf("\n\n", StringComparison.Ordinal)) >= 0)
            {
                var block = pending.ToString(0, end);
                pending.Remove(0, end + 2);
                yield return ParseBlock(block);
            }
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

public static class JsonAssert
{
    /// <summary>Compares JSON structurally (key order ignored) and reports both texts on failure.</summary>
    public static void Equal(string expected, JsonNode? actual)
    {
        var e = JsonNode.Parse(expected);
        Assert.True(JsonNode.DeepEquals(e, actual), $"Expected {e?.ToJsonString()}\nActual   {actual?.ToJsonString()}");
    }

    public static void Equal(string expected, string actual) => Equal(expected, JsonNode.Parse(actual));

    public static JsonDocument Parse(string json) => JsonDocument.Parse(json);
}
