using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Testing;

/// <summary>
/// Azure OpenAI's routes, checked as Azure checks them before any reply is used: <c>/openai/deployments/{d}/…</c> needs
/// a dated <c>api-version</c> (else 404), <c>/openai/v1/…</c> takes none, <c>v1</c> or <c>preview</c> (else 400), and
/// both need a key in the <c>api-key</c> header or an Entra bearer token (else 401), in Azure's error shape.
/// </summary>
public sealed partial class FakeOpenAiServer
{
    /// <summary>Azure OpenAI's v1 base URL (<c>{endpoint}/openai/v1</c>).</summary>
    public string AzureV1BaseUrl => BaseAddress.GetLeftPart(UriPartial.Authority) + "/openai/v1";

    /// <summary>The only key (or bearer token) the Azure routes accept; <see langword="null"/> accepts any non-empty one.</summary>
    public string? AzureApiKey { get; set; }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(-preview)?$")]
    private static partial Regex DatedApiVersion();

    /// <summary>Answers an Azure route that Azure would refuse (and returns true); other routes pass.</summary>
    private async Task<bool> AzureRejectsAsync(HttpContext context, string path)
    {
        if (!path.StartsWith("/openai/", StringComparison.Ordinal))
        {
            return false;
        }
        var version = context.Request.Query["api-version"].ToString();
        if (path.StartsWith("/openai/deployments/", StringComparison.Ordinal))
        {
            if (!DatedApiVersion().IsMatch(version))
            {
                await WriteAzureErrorAsync(context, 404, "404", "Resource not found");
                return true;
            }
        }
        else if (!path.StartsWith("/openai/v1/", StringComparison.Ordinal))
        {
            await WriteAzureErrorAsync(context, 404, "404", "Resource not found");
            return true;
        }
        else if (version is not ("" or "v1" or "preview"))
        {
            await WriteAzureErrorAsync(context, 400, "BadRequest", "API version not supported");
            return true;
        }

        var key = context.Request.Headers["api-key"].ToString();
        if (key.Length == 0 && context.Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            key = auth["Bearer ".Length..];
        }
        if (key.Length == 0 || (AzureApiKey is { } expected && key != expected))
        {
            await WriteAzureErrorAsync(context, 401, "401",
                "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.");
            return true;
        }
        return false;
    }

    private static Task WriteAzureErrorAsync(HttpContext context, int status, string code, string message) =>
        WriteJsonAsync(context, status, w =>
        {
            w.WriteStartObject("error");
            w.WriteString("code", code);
            w.WriteString("message", message);
            w.WriteEndObject();
        });
}
