using CopilotAspire.Runtime.Protocol;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Runtime.Middleware;

/// <summary>What the after-request middleware sees of a finished request.</summary>
public sealed record AfterRequestContext
{
    /// <summary>The full request path, e.g. <c>/api/copilotkit/agent/default/run</c>.</summary>
    public required string Path { get; init; }

    /// <summary><c>agent/run</c>, <c>agent/suggest</c>, <c>agent/connect</c>, <c>agent/stop</c>, <c>info</c> or <c>transcribe</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The agent of the route; <see langword="null"/> for <c>info</c> and <c>transcribe</c>.</summary>
    public string? AgentId { get; init; }

    /// <summary>
    /// The response's HTTP status (200 for every SSE stream, even one that ended with <c>RUN_ERROR</c>).
    /// </summary>
    public required int StatusCode { get; init; }

    /// <summary>The headers the response was sent with.</summary>
    public required IHeaderDictionary ResponseHeaders { get; init; }

    /// <summary>
    /// Messages reconstructed from the SSE stream (wire spec §7.3); empty for JSON responses, and empty unless a
    /// middleware registered with <c>readsMessages: true</c>.
    /// </summary>
    public required IReadOnlyList<Message> Messages { get; init; }

    /// <summary>
    /// How many messages the SSE stream produced (as <see cref="Messages"/> would hold them): counted for
    /// <c>agent/run</c>, and for every stream when a middleware registered with <c>readsMessages: true</c>; 0 for a
    /// <c>connect</c> otherwise (its replay is written from stored JSON, which counting would have to read).
    /// </summary>
    public int MessageCount { get; init; }

    /// <summary>How many tool calls those messages carry (counted when <see cref="MessageCount"/> is).</summary>
    public int ToolCallCount { get; init; }

    /// <summary>
    /// The thread the request named (run, connect, stop, suggest, the thread routes); <see langword="null"/> for
    /// <c>info</c> and <c>transcribe</c>, or when the request was refused before it was read.
    /// </summary>
    public string? ThreadId { get; init; }

    /// <summary>
    /// The run id of a run (its input's <c>runId</c>) or the one a stop named; <see langword="null"/> otherwise.
    /// </summary>
    public string? RunId { get; init; }

    /// <summary>Events written to the SSE stream.</summary>
    public int EventCount { get; init; }

    /// <summary>The code of the stream's <c>RUN_ERROR</c>, if it had one (<c>""</c> when it had none).</summary>
    public string? RunErrorCode { get; init; }

    /// <summary>From the start of the request to the end of its response (the whole stream for SSE).</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>The client went away before the stream ended (the run itself went on).</summary>
    public bool ClientDisconnected { get; init; }
}
