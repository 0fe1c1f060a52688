using System.Net.Http.Headers;
using System.Text;

namespace CopilotAspire.Runtime.Transcription;

/// <summary>
/// <c>multipart/form-data</c> written as browsers and the OpenAI SDKs write it, so that strict parsers (Node's
/// <c>Request.formData()</c>, Python's multipart) accept it: an unquoted boundary, quoted <c>name="…"</c> and
/// <c>filename="…"</c> (UTF-8, with <c>"</c>, CR and LF percent-encoded as the HTML standard says), no
/// <c>filename*</c>, and no Content-Type on text fields. <see cref="MultipartFormDataContent"/> writes
/// <c>boundary="…"</c>, unquoted names and a <c>filename*</c>, which such parsers refuse.
/// </summary>
internal static class FormData
{
    public static MultipartContent Create()
    {
        // Boundary characters that need no quoting (RFC 2046 bchars without space).
        var boundary = "----CopilotAspireFormBoundary" + Guid.NewGuid().ToString("N");
        var form = new MultipartContent("form-data", boundary) { HeaderEncodingSelector = (_, _) => Encoding.UTF8 };
        form.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value = boundary;
        return form;
    }

    public static HttpContent Field(string name, string value)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(value));
        content.Headers.TryAddWithoutValidation("Content-Disposition", $"form-data; name=\"{Escape(name)}\"");
        return content;
    }

    public static HttpContent File(HttpContent content, string name, string fileName)
    {
        content.Headers.TryAddWithoutValidation("Content-Disposition", $"form-data; name=\"{Escape(name)}\"; filename=\"{Escape(fileName)}\"");
        return content;
    }

    private static string Escape(string value) => value.Replace("\"", "%22", StringComparison.Ordinal)
        .Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);
}
