namespace CopilotAspire.Runtime.Agents.Remote;

/// <summary>The <c>RUN_ERROR</c> codes of a remote agent's failures (<see cref="HttpAgent"/>).</summary>
public static class RemoteAgentErrors
{
    /// <summary>No connection: refused, unknown host, TLS failure.</summary>
    public const string Unreachable = "REMOTE_UNREACHABLE";

    /// <summary>The remote answered with a status outside 2xx (the message has the status and the body's message).</summary>
    public const string HttpError = "REMOTE_HTTP_ERROR";

    /// <summary>The remote answered 2xx with a content type that is not <c>text/event-stream</c>.</summary>
    public const string NotEventStream = "REMOTE_NOT_EVENT_STREAM";

    /// <summary>A frame is not an AG-UI event (bad JSON, unknown type, missing field) or is larger than the limit.</summary>
    public const string MalformedEvent = "REMOTE_MALFORMED_EVENT";

    /// <summary>No first byte within <c>ConnectTimeout</c>, or silence longer than <c>IdleTimeout</c>.</summary>
    public const string Timeout = "REMOTE_TIMEOUT";

    /// <summary>The stream ended (or the connection broke) before a terminal event.</summary>
    public const string IncompleteStream = "REMOTE_INCOMPLETE_STREAM";
}
