using System.Text;
using CopilotAspire.Runtime.Agents.Remote;

namespace CopilotAspire.Tests.Agents.Remote;

/// <summary>The incremental event-stream reader: the HTML rules on any split of the bytes into reads.</summary>
[Kind(TestKind.Fast)]
public sealed class SseEventReaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A stream that hands out at most <paramref name="chunk"/> bytes per read.</summary>
    private sealed class ChunkedStream(byte[] bytes, int chunk) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], cancellationToken);
    }

    private static async Task<List<string>> ReadAllAsync(string text, int chunk, int maxEventBytes = 1 << 20)
    {
        using var reader = new SseEventReader(new ChunkedStream(Encoding.UTF8.GetBytes(text), chunk), maxEventBytes);
        var events = new List<string>();
        while (await reader.ReadAsync(Ct) is { } data)
        {
            events.Add(Encoding.UTF8.GetString(data.Span));
        }
        return events;
    }

    public static TheoryData<int> Chunks => [1, 2, 3, 7, 64, 100_000];

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task Every_line_ending_comments_fields_and_multi_line_data_on_any_split(int chunk)
    {
        const string Text =
            "\uFEFF: comment\n\n" +
            "data: a\n\n" +
            "data:b\r\n\r\n" +
            "id: 7\revent: x\rdata: c1\rdata:  c2\r\r" +
            "retry: 5\r\ndata\r\n\r\n" +
            "field-without-data: z\n\n" +
            "data: h\u00e9llo \u2728\n\n" +
            "data: unterminated";

        Assert.Equal(["a", "b", "c1\n c2", "", "h\u00e9llo \u2728"], await ReadAllAsync(Text, chunk));
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task An_event_or_a_line_over_the_limit_is_refused(int chunk)
    {
        var line = new string('x', 3000);

        await Assert.ThrowsAsync<SseFormatException>(() => ReadAllAsync($"data: {line}\n\n", chunk, maxEventBytes: 1024));
        await Assert.ThrowsAsync<SseFormatException>(() => ReadAllAsync($"data: {line[..600]}\ndata: {line[..600]}\n\n", chunk, maxEventBytes: 1024));
        // Any line is bounded too, once it outgrows the read buffer (16 KiB) and the limit.
        await Assert.ThrowsAsync<SseFormatException>(() => ReadAllAsync($": {new string('x', 40_000)}\n\n", chunk, maxEventBytes: 1024));
        Assert.Equal([line[..1000]], await ReadAllAsync($"data: {line[..1000]}\n\n", chunk, maxEventBytes: 1024));
    }
}
