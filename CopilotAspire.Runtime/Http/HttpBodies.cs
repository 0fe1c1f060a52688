using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Runtime.Http;

/// <summary>Request bodies whose read failed.</summary>
internal static class HttpBodies
{
    /// <summary>
    /// Kestrel's "Unexpected end of request content": the connection ended before the declared body did, so the client
    /// is gone (Kestrel's reason code is not public; its message is stable). Such a request is aborted, not answered:
    /// Kestrel would otherwise try to drain the broken body after the response and log an error.
    /// </summary>
    public static bool EndedWithConnection(BadHttpRequestException ex) =>
        ex.Message.StartsWith("Unexpected end of request content", StringComparison.Ordinal);
}
