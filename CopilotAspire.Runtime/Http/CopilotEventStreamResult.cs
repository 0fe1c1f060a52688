using System.Buffers;
using System.Text.Json;
using CopilotAspire.Runtime.Hosting;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Http;

/// <summary>
/// The SSE response of <c>run</c> and <c>connect</c>: <c>data: &lt;json&gt;\n\n</c> per event (preceded by an
/// <c>id:</c> line when the runner gives the event an id), flushed whenever the source has nothing ready (so a paced
/// event goes out at once and a burst is one write), <c>: keep-alive</c> comments when idle (one timer per stream), headers as the official runtime plus <c>X-Accel-Buffering: no</c>. A client that goes away ends the
/// response quietly; the run itself goes on in the runner.
/// </summary>
public sealed partial class CopilotEventStreamResult : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    /// <summary><c>text/event-stream</c>, the response's content type.</summary>
    public const string EventStreamContentType = "text/event-stream";

    /// <summary>Ready events written before a flush is forced (the source is flushed at once when it has nothing ready).</summary>
    private const int MaxUnflushedFrames = 256;
    private const long MaxUnflushedBytes = 32 * 1024;

    private readonly IAsyncEnumerable<RunnerEvent> _events;
    private readonly TimeSpan _keepAlive;

    /// <summary>A stream of <paramref name="events"/>.</summary>
    /// <param name="events">The runner's events; enumerated once, with the request's token.</param>
    /// <param name="keepAlive">Silence after which a <c>: keep-alive</c> comment is written;
    /// <see cref="TimeSpan.Zero"/> writes none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="events"/> is <see langword="null"/>.</exception>
    public CopilotEventStreamResult(IAsyncEnumerable<RunnerEvent> events, TimeSpan keepAlive)
    {
        ArgumentNullException.ThrowIfNull(events);
        _events = events;
        _keepAlive = keepAlive;
    }

    /// <summary>Always 200: errors after the headers went out are <c>RUN_ERROR</c> events in the stream.</summary>
    public int? StatusCode => StatusCodes.Status200OK;

    /// <summary><see cref="EventStreamContentType"/>.</summary>
    public string ContentType => EventStreamContentType;

    /// <summary>Describes the response for OpenAPI: 200, <c>text/event-stream</c> of <see cref="AgUiEvent"/>.</summary>
    /// <param name="method">The endpoint's handler (unused).</param>
    /// <param name="builder">The endpoint whose metadata it adds to.</param>
    public static void PopulateMetadata(System.Reflection.MethodInfo method, Microsoft.AspNetCore.Builder.EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(AgUiEvent), [EventStreamContentType]));
    }

    /// <summary>The drain that counts this stream open and ends it at shutdown (the runtime's; none in bare use).</summary>
    internal CopilotRuntimeDrain? Drain { get; init; }

    /// <summary>
    /// Writes the headers, then every event as an SSE frame until the source ends, the client goes away or a shutdown
    /// closes the stream.
    /// </summary>
    /// <param name="httpContext">The request to answer.</param>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        var state = CopilotRequestState.Get(httpContext);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = EventStreamContentType;
        response.Headers.CacheControl = "no-cache";
        if (HttpProtocol.IsHttp11(httpContext.Request.Protocol) || HttpProtocol.IsHttp10(httpContext.Request.Protocol))
        {
            response.Headers.Connection = "keep-alive";
        }
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var aborted = httpContext.RequestAborted;
        var writer = response.BodyWriter;
        var frames = new SseFrameBuffer(writer);
        using var lease = Drain?.Open(aborted);
        await using var keepAlive = _keepAlive > TimeSpan.Zero ? new SseKeepAlive(writer, _keepAlive, TimeProvider.System, aborted) : null;
        var unflushed = 0;
        long unflushedBytes = 0;
        try
        {
            await response.StartAsync(aborted);
            await using var events = _events.GetAsyncEnumerator(lease?.Token ?? aborted);
            while (true)
            {
                var next = events.MoveNextAsync();
                bool more;
                if (next.IsCompleted)
                {
                    more = next.GetAwaiter().GetResult();
                }
                else
                {
                    // Nothing ready: send what is written (a paced event goes out at once), then wait; the
                    // keep-alive timer may write while the source is silent. The pending MoveNextAsync is always
                    // awaited (disposing a running async iterator throws); it ends when the client goes away.
                    var gone = unflushed > 0 && await FlushEndedAsync(frames, writer, aborted);
                    unflushed = 0;
                    unflushedBytes = 0;
                    var paused = keepAlive is not null && !gone;
                    if (paused)
                    {
                        keepAlive!.Pause();
                    }
                    try
                    {
                        more = await next;
                    }
                    finally
                    {
                        if (paused)
                        {
                            await keepAlive!.ResumeAsync();
                        }
                    }
                    if (gone)
                    {
                        state.ClientGone();
                        break;
                    }
                }
                if (!more)
                {
                    break;
                }
                var item = events.Current;
                unflushedBytes += WriteFrame(frames, in item);
                state.Observe(in item);
                // Events that are ready are coalesced (replaying 10k stored events is not 10k flushes), up to a bound.
                if (++unflushed >= MaxUnflushedFrames || unflushedBytes >= MaxUnflushedBytes)
                {
                    unflushed = 0;
                    unflushedBytes = 0;
                    if (await FlushEndedAsync(frames, writer, aborted))
                    {
                        state.ClientGone();
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (lease is { Closed: true } && !aborted.IsCancellationRequested)
        {
            // A shutdown closed the stream (a connect tailing another replica's run): it ends cleanly.
        }
        catch (Exception ex) when (aborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            state.ClientGone();
            return;
        }
#pragma warning disable CA1031 // Headers are sent: a failing source can only end the stream.
        catch (Exception ex) when (!aborted.IsCancellationRequested)
#pragma warning restore CA1031
        {
            var logger = httpContext.RequestServices.GetRequiredService<ILogger<CopilotEventStreamResult>>();
            LogStreamFailed(logger, httpContext.Request.Path, ex);
        }
        try
        {
            if (unflushed > 0 && await FlushEndedAsync(frames, writer, aborted))
            {
                state.ClientGone();
            }
        }
        catch (Exception ex) when (aborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            state.ClientGone();
        }
    }

    /// <summary>Writes one frame with a single reservation of the output: <c>id: …\n</c> (when set), <c>data: …\n\n</c>.</summary>
    /// <returns>The bytes written.</returns>
    private static int WriteFrame(IBufferWriter<byte> writer, in RunnerEvent item)
    {
        var hasParts = item.TryGetIdParts(out var prefix, out var number);
        var id = hasParts ? prefix : item.Id;
        // "id: " + the id (+ up to 20 digits) + "\n"; a runner's ids are short.
        var idBound = id is null ? 0 : 5 + System.Text.Encoding.UTF8.GetMaxByteCount(id.Length) + (hasParts ? 20 : 0);
        if (item.Json.IsEmpty)
        {
            // Not serialized yet: the id line first, then the serializer writes the frame straight into the output.
            var idBytes = 0;
            if (id is not null)
            {
                idBytes = WriteIdLine(writer.GetSpan(idBound), id, hasParts, number);
                writer.Advance(idBytes);
            }
            return idBytes + AgUiEventWriter.Write(writer, item.Event, "data: "u8, "\n\n"u8);
        }
        var payload = item.Json.Span;
        var span = writer.GetSpan(idBound + payload.Length + 8);
        var written = id is null ? 0 : WriteIdLine(span, id, hasParts, number);
        "data: "u8.CopyTo(span[written..]);
        written += 6;
        payload.CopyTo(span[written..]);
        written += payload.Length;
        span[written++] = (byte)'\n';
        span[written++] = (byte)'\n';
        writer.Advance(written);
        return written;
    }

    /// <summary>Writes <c>id: …\n</c>: the id, or its prefix and number when the runner gave it so (no string per event).</summary>
    private static int WriteIdLine(Span<byte> span, string id, bool prefixAndNumber, long number)
    {
        "id: "u8.CopyTo(span);
        var written = 4 + System.Text.Encoding.UTF8.GetBytes(id, span[4..]);
        if (prefixAndNumber)
        {
            number.TryFormat(span[written..], out var digits, default, System.Globalization.CultureInfo.InvariantCulture);
            written += digits;
        }
        span[written++] = (byte)'\n';
        return written;
    }

    private static async ValueTask<bool> FlushEndedAsync(SseFrameBuffer frames, System.IO.Pipelines.PipeWriter writer, CancellationToken aborted)
    {
        frames.Commit();
        var flushed = await writer.FlushAsync(aborted);
        return flushed.IsCanceled || flushed.IsCompleted;
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Error, Message = "The event stream of {Path} failed after it started")]
    private static partial void LogStreamFailed(ILogger logger, PathString path, Exception exception);
}
