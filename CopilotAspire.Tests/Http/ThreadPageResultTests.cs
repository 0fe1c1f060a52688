using System.Buffers;
using System.Globalization;
using System.Text.Json;
using CopilotAspire.Runtime.Http;
using CopilotAspire.Runtime.Runners.Threads;

namespace CopilotAspire.Tests.Http;

/// <summary>
/// The list page's own writer (<see cref="ThreadPageResult"/>) writes byte for byte what the serializer writes for a
/// <see cref="ThreadPage"/> with the runtime's relaxed options, and <see cref="ThreadRecord.FormatTime"/> what the
/// custom format string wrote: the wire stays as it was.
/// </summary>
[Kind(TestKind.Fast)]
public sealed class ThreadPageResultTests
{
    public static TheoryData<string> Names => new()
    {
        "plain",
        "quote \" backslash \\ slash / <b>&amp;</b> '",
        "controls \n\r\t\b\f \u0001 \u001f end",
        "emoji 🙂 and 日本語 and é",
        "lone surrogate \ud800 here",
        "",
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void A_page_is_written_as_the_serializer_writes_it(string name)
    {
        var page = new ThreadPage(
        [
            Thread("t-1", name, archived: false),
            Thread("t-2 \"odd\" ☃", null, archived: true),
            Thread("t-3", name, archived: false) with { OrganizationId = "org \u2028", CreatedById = "user\u0000" },
        ], "Y3Vyc29y");
        AssertSameBytes(page);
    }

    [Fact]
    public void An_empty_last_page_is_written_as_the_serializer_writes_it() => AssertSameBytes(new ThreadPage([], null));

    [Fact]
    public void Null_properties_other_than_name_and_nextCursor_are_left_out_as_the_serializer_leaves_them()
    {
        // A third-party store could hand out nulls the non-nullable annotations do not stop at run time.
        AssertSameBytes(new ThreadPage([Thread("t", null, archived: false) with { OrganizationId = null!, CreatedById = null! }], null));
    }

    [Fact]
    public void Times_are_formatted_as_the_custom_format_string_formatted_them()
    {
        var random = new Random(18);
        long[] fixedTimes = [0, 1, 999, -1, -62_135_596_800_000, 253_402_300_799_999, 1_733_328_000_000, 951_782_400_000];
        foreach (var ms in fixedTimes.Concat(Enumerable.Range(0, 10_000).Select(_ => random.NextInt64(-62_135_596_800_000, 253_402_300_800_000))))
        {
            var expected = DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            Assert.Equal(expected, ThreadRecord.FormatTime(ms));
        }
    }

    private static ThreadRecord Thread(string id, string? name, bool archived) => new()
    {
        Id = id,
        Name = name,
        AgentId = "agent \"a\"",
        Archived = archived,
        CreatedAt = ThreadRecord.FormatTime(1_733_328_000_123),
        UpdatedAt = ThreadRecord.FormatTime(1_733_328_999_999),
    };

    private static void AssertSameBytes(ThreadPage page)
    {
        var expected = JsonSerializer.SerializeToUtf8Bytes(page, HttpBodiesJsonContext.Relaxed.ThreadPage);
        var buffer = new ArrayBufferWriter<byte>();
        ThreadPageResult.Write(buffer, page);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(expected, buffer.WrittenSpan.ToArray());
    }
}
