using System.ClientModel;
using System.Text.Json;
using Anthropic.Exceptions;

namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>Turns a provider failure into the <c>RUN_ERROR.message</c> the client sees: the provider's own message, never the key.</summary>
public static class ProviderErrors
{
    /// <summary>
    /// The message of <paramref name="exception"/> as the client sees it: the provider's own <c>error.message</c> from
    /// its response body when there is one, else its status and first line, with <paramref name="secret"/> replaced by
    /// <c>***</c>.
    /// </summary>
    /// <param name="exception">The provider's failure.</param>
    /// <param name="secret">The API key in use, removed wherever it appears; <see langword="null"/> removes
    /// nothing.</param>
    public static string Describe(Exception exception, string? secret)
    {
        var message = exception switch
        {
            ClientResultException e => FromBody(e.GetRawResponse()?.Content?.ToString()) ?? $"{e.Status} {FirstLine(e.Message)}",
            AnthropicApiException e => FromBody(e.ResponseBody) ?? $"{(int)e.StatusCode} {FirstLine(e.Message)}",
            RedactedProviderException { Status: { } status } e => FromBody(e.ResponseBody) ?? $"{status} {FirstLine(e.Message)}",
            _ => exception.Message,
        };
        return Redact(message, secret);
    }

    /// <summary>The name of the exception the provider threw (also behind a <see cref="RedactedProviderException"/>).</summary>
    public static string TypeName(Exception exception) =>
        exception is RedactedProviderException redacted ? redacted.OriginalTypeName : exception.GetType().Name;

    /// <summary>Removes <paramref name="secret"/> from <paramref name="text"/>.</summary>
    public static string Redact(string text, string? secret) =>
        string.IsNullOrEmpty(secret) || secret.Length < 4 ? text : text.Replace(secret, "***", StringComparison.Ordinal);

    /// <summary><c>error.message</c> of an OpenAI- or Anthropic-style error body (also Gemini's array form).</summary>
    private static string? FromBody(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement.ValueKind == JsonValueKind.Array && doc.RootElement.GetArrayLength() > 0
                ? doc.RootElement[0]
                : doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            if (root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    return error.GetString();
                }
                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    return m.GetString();
                }
            }
            return root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return (end < 0 ? text : text[..end]).Trim();
    }
}
