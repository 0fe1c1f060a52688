using System.ClientModel;
using System.Runtime.CompilerServices;
using System.Text;
using Anthropic.Exceptions;
using Microsoft.Extensions.AI;

namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>
/// The innermost link of the chat pipeline (below Microsoft.Extensions.AI's logging and OpenTelemetry clients): a
/// provider failure whose message or body echoes the API key is rethrown as a <see cref="RedactedProviderException"/>,
/// so the key reaches neither the logs nor the spans. Other failures (and cancellation) pass through unchanged.
/// </summary>
internal sealed class SecretRedactingChatClient(IChatClient inner, string secret) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedactedProviderException.Leaks(ex, secret))
        {
            throw new RedactedProviderException(ex, secret);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var stream = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (stream.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await stream.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (Exception ex) when (RedactedProviderException.Leaks(ex, secret))
                {
                    throw new RedactedProviderException(ex, secret);
                }
                yield return stream.Current;
            }
        }
    }
}

/// <summary>
/// A provider failure with the API key replaced by <c>***</c> in its message, its inner messages and its response body;
/// keeps the HTTP status, the body and the original type's name (for <see cref="ProviderErrors"/>) and the stack trace.
/// </summary>
internal sealed class RedactedProviderException : Exception
{
    private readonly string? _stackTrace;

    public RedactedProviderException(Exception original, string secret)
        : base(ProviderErrors.Redact(original.Message, secret),
            original.InnerException is { } inner ? new RedactedProviderException(inner, secret) : null)
    {
        OriginalTypeName = original.GetType().Name;
        OriginalTypeFullName = original.GetType().FullName ?? OriginalTypeName;
        _stackTrace = original.StackTrace;
        HResult = original.HResult;
        (int? status, string? body) = original switch
        {
            ClientResultException e => (e.Status, Body(e)),
            AnthropicApiException e => ((int)e.StatusCode, e.ResponseBody),
            _ => ((int?)null, (string?)null),
        };
        Status = status;
        ResponseBody = body is null ? null : ProviderErrors.Redact(body, secret);
    }

    /// <summary>The HTTP status of a provider error response (0 when none was received), or null for other failures.</summary>
    public int? Status { get; }

    /// <summary>The provider's error body, redacted.</summary>
    public string? ResponseBody { get; }

    /// <summary>The short name of the exception the provider threw.</summary>
    public string OriginalTypeName { get; }

    /// <summary>The full name of the exception the provider threw.</summary>
    public string OriginalTypeFullName { get; }

    public override string? StackTrace => _stackTrace;

    /// <summary>Whether <paramref name="exception"/> (its messages or its error body) contains <paramref name="secret"/>.</summary>
    public static bool Leaks(Exception exception, string secret)
    {
        if (exception is OperationCanceledException || string.IsNullOrEmpty(secret) || secret.Length < 4)
        {
            return false;
        }
        for (var e = exception; e is not null; e = e.InnerException)
        {
            var body = e switch
            {
                ClientResultException c => Body(c),
                AnthropicApiException a => a.ResponseBody,
                _ => null,
            };
            if (e.Message.Contains(secret, StringComparison.Ordinal) || (body?.Contains(secret, StringComparison.Ordinal) ?? false))
            {
                return true;
            }
        }
        return false;
    }

    public override string ToString()
    {
        var text = new StringBuilder($"{OriginalTypeFullName} (redacted): {Message}");
        if (InnerException is { } inner)
        {
            text.Append(" ---> ").Append(inner).AppendLine().Append("   --- End of inner exception stack trace ---");
        }
        if (StackTrace is { } trace)
        {
            text.AppendLine().Append(trace);
        }
        return text.ToString();
    }

    private static string? Body(ClientResultException e)
    {
        try
        {
            return e.GetRawResponse()?.Content?.ToString();
        }
#pragma warning disable CA1031 // An unreadable body is no body.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }
}
