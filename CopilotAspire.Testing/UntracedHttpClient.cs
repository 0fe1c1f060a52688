using System.Net;

namespace CopilotAspire.Testing;

/// <summary>
/// An <see cref="HttpClient"/> that sends exactly the headers a test sets: no trace context of the test process is
/// injected, and a <c>traceparent</c> the test sets reaches the server unchanged. A plain client is not enough: while
/// any host in the test process has OpenTelemetry's HttpClient instrumentation on (a <c>WebApplicationFactory</c> of a
/// service whose defaults add it, such as the Transcriber's), every outgoing request of the process gets an activity
/// of its own, and the instrumentation writes that activity's trace id over the request's <c>traceparent</c>
/// (<c>UntracedHttpClientTests</c>). Without the propagator the handler chain has no diagnostics handler at all.
/// </summary>
public static class UntracedHttpClient
{
    /// <summary>A client for <paramref name="baseAddress"/> with no timeout of its own (tests pass their own tokens).</summary>
    public static HttpClient Create(Uri? baseAddress = null) => new(new SocketsHttpHandler
    {
        ActivityHeadersPropagator = null,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
    })
    {
        BaseAddress = baseAddress,
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
