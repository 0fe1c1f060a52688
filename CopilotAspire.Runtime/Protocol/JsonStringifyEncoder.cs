using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// Escapes exactly what JavaScript's <c>JSON.stringify</c> escapes: <c>"</c>, <c>\</c>, control characters
/// (<c>\b \f \n \r \t</c>, else <c>\u00xx</c> in lower case) and lone surrogates. Everything else, emoji and other
/// non-ASCII text included, is written as is, so our frames are byte for byte those of the Node runtime.
/// (<see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> still escapes characters outside the BMP.)
/// </summary>
public sealed class JsonStringifyEncoder : JavaScriptEncoder
{
    /// <summary>The one instance (the encoder has no state); <see cref="AgUiJson.Options"/> uses it.</summary>
    public static JsonStringifyEncoder Instance { get; } = new();

    /// <summary>Every character that is escaped, or may be (a surrogate: escaped when lone).</summary>
    private static readonly SearchValues<char> s_special = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Select(c => (char)c)) + "\"\\" +
        string.Concat(Enumerable.Range(0xD800, 0x800).Select(c => (char)c)));

    /// <summary>Whether <paramref name="text"/> is written as is (its UTF-8), with nothing to escape and no surrogate.</summary>
    public static bool IsVerbatim(ReadOnlySpan<char> text) => !text.ContainsAny(s_special);

    private JsonStringifyEncoder()
    {
    }

    /// <inheritdoc/>
    public override int MaxOutputCharactersPerInputCharacter => 6;

    /// <inheritdoc/>
    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar < 0x20 || unicodeScalar == '"' || unicodeScalar == '\\' || unicodeScalar is >= 0xD800 and <= 0xDFFF;

    /// <inheritdoc/>
    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = new ReadOnlySpan<char>(text, textLength).IndexOfAny(s_special); // vectorized: most text has none
        if (first < 0)
        {
            return -1;
        }
        for (var i = first; i < textLength; i++)
        {
            var c = text[i];
            if (c < 0x20 || c == '"' || c == '\\')
            {
                return i;
            }
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < textLength && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }
                return i;
            }
            if (char.IsLowSurrogate(c))
            {
                return i;
            }
        }
        return -1;
    }

    /// <inheritdoc/>
    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        // Valid UTF-8 carries no lone surrogates, so only ASCII needs a look: controls, quote and backslash.
        for (var i = 0; i < utf8Text.Length; i++)
        {
            var b = utf8Text[i];
            if (b < 0x20 || b == (byte)'"' || b == (byte)'\\')
            {
                return i;
            }
        }
        return -1;
    }

    /// <inheritdoc/>
    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var output = new Span<char>(buffer, bufferLength);
        if (!WillEncode(unicodeScalar))
        {
            if (!new Rune(unicodeScalar).TryEncodeToUtf16(output, out numberOfCharactersWritten))
            {
                return false;
            }
            return true;
        }
        string escaped = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\b' => "\\b",
            '\f' => "\\f",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            _ => "\\u" + unicodeScalar.ToString("x4", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (escaped.Length > bufferLength)
        {
            numberOfCharactersWritten = 0;
            return false;
        }
        escaped.AsSpan().CopyTo(output);
        numberOfCharactersWritten = escaped.Length;
        return true;
    }
}
