using System.Collections.Concurrent;
using CopilotAspire.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Tests.Agents.Remote;

/// <summary>
/// A remote agent server on a loopback port whose answers the tests write byte by byte (status, content type, frames,
/// silence), for the failures no real agent server produces on demand. Each route <c>POST /{name}</c> runs the
/// handler registered under that name and records the request; <see cref="Aborted"/> completes when the client
/// closed that request's connection.
/// </summary>
public sealed class ScriptedRemote : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _aborted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<RecordedCall>> _calls = new(StringComparer.Ordinal);
    private WebApplication _app = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<ScriptedRemote> StartAsync()
    {
        var remote = new ScriptedRemote();
        (remote._app, remote.BaseAddress) = await LoopbackWebApp.StartAsync(_ => { }, app => app.MapPost("/{name}", remote.HandleAsync));
        return remote;
    }

    /// <summary>Registers <paramref name="handler"/> as <c>POST /{name}</c> and returns its URL.</summary>
    public string Route(string name, Func<HttpContext, Task> handler)
    {
        _handlers[name] = handler;
        return new Uri(BaseAddress, name).ToString();
    }

    /// <summary>Completes when the request to <paramref name="name"/> was aborted by the client.</summary>
    public Task Aborted(string name) => _aborted.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public IReadOnlyList<RecordedCall> Calls(string name) => _calls.TryGetValue(name, out var calls) ? [.. calls] : [];

    private async Task HandleAsync(HttpContext context, string name)
    {
        using var body = new StreamReader(context.Request.Body);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        _calls.GetOrAdd(name, _ => new ConcurrentQueue<RecordedCall>()).Enqueue(new RecordedCall(headers, await body.ReadToEndAsync(context.RequestAborted)));
        var aborted = _aborted.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        using var registration = context.RequestAborted.Register(() => aborted.TrySetResult());
        try
        {
            await _handlers[name](context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away, as the test wanted.
        }
    }

    /// <summary>Starts an event stream answer.</summary>
    public static async Task BeginEventStreamAsync(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>Writes raw text and flushes it, so it leaves as its own read.</summary>
    public static async Task WriteAsync(HttpContext context, string text)
    {
        await context.Response.WriteAsync(text, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>Waits until the client closes the connection.</summary>
    public static Task HoldAsync(HttpContext context) => Task.Delay(Timeout.Infinite, context.RequestAborted);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>What a request brought: its headers (names lower-cased) and body.</summary>
    public sealed record RecordedCall(IReadOnlyDictionary<string, string> Headers, string Body);
}
