using System.Buffers;
using System.Text.Json;
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
/// <c>id:</c> line when the runner gives the event an id), flushed per event, <c>: keep-alive</c> comments when
/// idle, headers as the official runtime plus <c>X-Accel-Buffering: no</c>. A client that goes away ends the
/// response quietly; the run itself goes on in the runner.
/// </summary>
public sealed partial class CopilotEventStreamResult : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    public const string EventStreamContentType = "text/event-stream";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = AgUiJson.Options.Encoder, SkipValidation = true };

    private readonly IAsyncEnumerable<RunnerEvent> _events;
    private readonly TimeSpan _keepAlive;

    public CopilotEventStreamResult(IAsyncEnumerable<RunnerEvent> events, TimeSpan keepAlive)
    {
        ArgumentNullException.ThrowIfNull(events);
        _events = events;
        _keepAlive = keepAlive;
    }

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => EventStreamContentType;

    public static void PopulateMetadata(System.Reflection.MethodInfo method, Microsoft.AspNetCore.Builder.EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(AgUiEvent), [EventStreamContentType]));
    }

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
        using var json = new Utf8JsonWriter(writer, WriterOptions);
        try
        {
            await response.StartAsync(aborted);
            await using var events = _events.GetAsyncEnumerator(aborted);
            while (true)
            {
                var next = events.MoveNextAsync();
                if (!next.IsCompleted && _keepAlive > TimeSpan.Zero)
                {
                    var pending = next.AsTask();
                    await KeepAliveUntilAsync(pending, writer, aborted);
                    next = new ValueTask<bool>(pending);
                }
                if (!await next)
                {
                    break;
                }
                var item = events.Current;
                WriteFrame(writer, json, item);
                state.Observe(item.Event);
                var flushed = await writer.FlushAsync(aborted);
                if (flushed.IsCanceled || flushed.IsCompleted)
                {
                    state.ClientDisconnected = true;
                    break;
                }
            }
        }
        catch (Exception ex) when (aborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            state.ClientDisconnected = true;
        }
#pragma warning disable CA1031 // Headers are sent: a failing source can only end the stream.
        catch (Exception ex) when (!aborted.IsCancellationRequested)
#pragma warning restore CA1031
        {
            var logger = httpContext.RequestServices.GetRequiredService<ILogger<CopilotEventStreamResult>>();
            LogStreamFailed(logger, httpContext.Request.Path, ex);
        }
    }

    private static void WriteFrame(System.IO.Pipelines.PipeWriter writer, Utf8JsonWriter json, RunnerEvent item)
    {
        if (item.Id is { } id)
        {
            writer.Write("id: "u8);
            writer.Write(System.Text.Encoding.UTF8.GetBytes(id));
            writer.Write("\n"u8);
        }
        writer.Write("data: "u8);
        json.Reset(writer);
        AgUiJson.Serialize(json, item.Event);
        json.Flush();
        writer.Write("\n\n"u8);
    }

    private async Task KeepAliveUntilAsync(Task<bool> pending, System.IO.Pipelines.PipeWriter writer, CancellationToken aborted)
    {
        while (!pending.IsCompleted)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            var delay = Task.Delay(_keepAlive, idle.Token);
            if (await Task.WhenAny(pending, delay) == pending)
            {
                await idle.CancelAsync();
                return;
            }
            if (aborted.IsCancellationRequested)
            {
                // The enumerator was created with this token, so its pending MoveNextAsync ends now; let it end
                // before the enumerator is disposed (disposing a running async iterator throws).
                await ((Task)pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                aborted.ThrowIfCancellationRequested();
            }
            writer.Write(": keep-alive\n\n"u8);
            await writer.FlushAsync(aborted);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "The event stream of {Path} failed after it started")]
    private static partial void LogStreamFailed(ILogger logger, PathString path, Exception exception);
}
