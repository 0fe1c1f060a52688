namespace CopilotAspire.Testing;

/// <summary>Reading an SSE response frame by frame (data frames only; keep-alive comments skipped), with <see cref="Sse"/>'s parser.</summary>
public static class SseStreams
{
    public static async IAsyncEnumerable<SseFrame> ReadFramesAsync(this HttpResponseMessage response, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var frame in Sse.ReadFramesAsync(stream, cancellationToken))
        {
            if (frame.Data is not null)
            {
                yield return frame;
            }
        }
    }

    public static async Task<List<SseFrame>> ReadUntilAsync(this IAsyncEnumerator<SseFrame> frames, Func<SseFrame, bool> until)
    {
        var read = new List<SseFrame>();
        while (await frames.MoveNextAsync())
        {
            read.Add(frames.Current);
            if (until(frames.Current))
            {
                return read;
            }
        }
        throw new InvalidOperationException("The stream ended before the expected frame. Got: " + string.Join(", ", read.Select(f => f.Type)));
    }

    public static async Task<List<SseFrame>> ReadToEndAsync(this IAsyncEnumerator<SseFrame> frames)
    {
        var read = new List<SseFrame>();
        while (await frames.MoveNextAsync())
        {
            read.Add(frames.Current);
        }
        return read;
    }
}
