using System.Text.Json;
using System.Text.RegularExpressions;
using CopilotAspire.Runtime.Hosting;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Runtime.Runners.Threads;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Http;

/// <summary>
/// The <c>/threads</c> routes (wire spec §20), behind both transports: list and inspect in the official 1.75 shapes,
/// and rename, archive, unarchive, delete and clear, served by the runner's <see cref="IThreadStore"/>. Every route works
/// inside the caller's thread scope (<see cref="ThreadScopeResolver"/>): a thread of another scope is unknown to it.
/// </summary>
internal sealed partial class ThreadHandlers(CopilotRuntime runtime, ILogger<ThreadHandlers> logger)
{
    private const string NotConfigured = "This runtime's runner keeps no thread list (it does not implement IThreadStore), or CopilotRuntime:Threads:Enabled is false.";

    private CopilotThreadsOptions Options => runtime.Options.Threads;

    /// <summary>What <c>/info</c> advertises: everything but realtime metadata when the runner keeps threads.</summary>
    public static ThreadEndpointsInfo EndpointsInfo(CopilotRuntime runtime)
    {
        var on = runtime.Options.Threads.Enabled && runtime.Runner is IThreadStore;
        return new ThreadEndpointsInfo(on, on, on, false);
    }

    /// <summary><c>GET threads?agentId=&amp;limit=&amp;cursor=&amp;includeArchived=true</c>.</summary>
    public async Task<IResult> ListAsync(HttpContext context, IQueryCollection query, CancellationToken cancellationToken)
    {
        CopilotRuntime.Dispatch(context, "threads/list");
        var agentId = query["agentId"].ToString();
        if (!IsValidIdentifier(agentId))
        {
            return CopilotResults.Error(StatusCodes.Status400BadRequest, "Valid agentId query param is required");
        }
        var limit = Options.DefaultPageSize;
        if (query["limit"].ToString() is { Length: > 0 } text && (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit < 1))
        {
            return CopilotResults.Error(StatusCodes.Status400BadRequest, "Invalid limit", "limit must be a positive integer.");
        }
        var cursor = query["cursor"].ToString();
        return await WithStoreAsync(context, "threads/list", agentId, async (store, scope) =>
        {
            try
            {
                var page = await store.ListThreadsAsync(
                    new ThreadListQuery(scope, agentId, Math.Min(limit, Options.MaxPageSize), cursor.Length > 0 ? cursor : null, query["includeArchived"] == "true"),
                    cancellationToken);
                return new ThreadPageResult(page);
            }
            catch (ThreadCursorException ex)
            {
                return CopilotResults.Error(StatusCodes.Status400BadRequest, "Invalid cursor", ex.Message);
            }
        }, cancellationToken);
    }

    /// <summary><c>GET threads/{threadId}/messages|events|state</c>: the thread's stored runs (empty for an unknown thread, as the official runtime).</summary>
    public async Task<IResult> InspectAsync(HttpContext context, string threadId, string what, CancellationToken cancellationToken)
    {
        CopilotRuntime.Dispatch(context, "threads/" + what);
        if (InvalidThreadId(context, threadId) is { } invalid)
        {
            return invalid;
        }
        return await WithStoreAsync(context, "threads/" + what, threadId, async (store, scope) =>
        {
            var events = await store.GetThreadEventsAsync(new ThreadKey(threadId, scope), cancellationToken);
            return new ThreadInspectResult(what, events);
        }, cancellationToken);
    }

    /// <summary><c>PATCH threads/{threadId} {agentId, name?, archived?}</c>: rename, unarchive (or archive); answers the thread.</summary>
    public Task<IResult> UpdateAsync(HttpContext context, string threadId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        MutateAsync(context, "threads/update", threadId, body, async (store, thread, update) =>
            await store.UpdateThreadAsync(thread, update, cancellationToken) is { } record
                ? TypedResults.Json(record, HttpBodiesJsonContext.Relaxed.ThreadRecord, "application/json")
                : ThreadNotFound(threadId),
            cancellationToken);

    /// <summary><c>POST threads/{threadId}/archive {agentId}</c>: answers <c>{threadId, archived: true}</c>.</summary>
    public Task<IResult> ArchiveAsync(HttpContext context, string threadId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        MutateAsync(context, "threads/archive", threadId, body, async (store, thread, _) =>
            await store.UpdateThreadAsync(thread, new ThreadUpdate(Archived: true), cancellationToken) is null
                ? ThreadNotFound(threadId)
                : TypedResults.Json(new ThreadArchived(threadId, true), HttpBodiesJsonContext.Relaxed.ThreadArchived, "application/json"),
            cancellationToken);

    /// <summary><c>DELETE threads/{threadId} {agentId}</c>: answers <c>{threadId, deleted: true}</c>; 409 while a run is in progress.</summary>
    public Task<IResult> DeleteAsync(HttpContext context, string threadId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        MutateAsync(context, "threads/delete", threadId, body, async (store, thread, _) =>
            await store.DeleteThreadAsync(thread, cancellationToken) switch
            {
                ThreadDeleteOutcome.Deleted => TypedResults.Json(new ThreadDeleted(threadId, true), HttpBodiesJsonContext.Relaxed.ThreadDeleted, "application/json"),
                ThreadDeleteOutcome.Running => CopilotResults.Error(StatusCodes.Status409Conflict, "thread_running",
                    $"Thread '{threadId}' has a run in progress; stop it (POST agent/{{agentId}}/stop/{{threadId}}) and delete it once it has ended."),
                _ => ThreadNotFound(threadId),
            },
            cancellationToken);

    /// <summary><c>POST threads/clear</c>: deletes the caller's idle threads (only with <c>CopilotRuntime:Threads:AllowClear</c>); 204.</summary>
    public async Task<IResult> ClearAsync(HttpContext context, CancellationToken cancellationToken)
    {
        CopilotRuntime.Dispatch(context, "threads/clear");
        if (!Options.AllowClear)
        {
            return CopilotResults.Error(StatusCodes.Status403Forbidden, "forbidden", "Clearing threads is turned off on this runtime (CopilotRuntime:Threads:AllowClear).");
        }
        return await WithStoreAsync(context, "threads/clear", null, async (store, scope) =>
        {
            await store.ClearThreadsAsync(scope, cancellationToken);
            return TypedResults.NoContent();
        }, cancellationToken);
    }

    private async Task<IResult> MutateAsync(HttpContext context, string method, string threadId, ReadOnlyMemory<byte> body,
        Func<IThreadStore, ThreadKey, ThreadUpdate, Task<IResult>> mutate, CancellationToken cancellationToken)
    {
        CopilotRuntime.Dispatch(context, method);
        if (InvalidThreadId(context, threadId) is { } invalid)
        {
            return invalid;
        }
        if (ParseMutation(body.Span) is { } refused)
        {
            return refused;
        }
        var update = ReadUpdate(body.Span);
        return await WithStoreAsync(context, method, threadId, (store, scope) => mutate(store, new ThreadKey(threadId, scope), update), cancellationToken);
    }

    /// <summary>The store and the caller's scope, or the answer that refuses the request; a store outage answers 503.</summary>
    private async Task<IResult> WithStoreAsync(HttpContext context, string method, string? threadId, Func<IThreadStore, string?, Task<IResult>> action, CancellationToken cancellationToken)
    {
        CopilotRequestState.Get(context).Identify(threadId);
        if (!Options.Enabled || runtime.Runner is not IThreadStore store)
        {
            return CopilotResults.Error(StatusCodes.Status404NotFound, "Not found", NotConfigured);
        }
        var (scope, refused) = await runtime.ThreadScopeAsync(context, method, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }
        try
        {
            return await action(store, scope);
        }
        catch (RunnerUnavailableException ex)
        {
            return CopilotResults.RunnerUnavailable(ex.Message);
        }
#pragma warning disable CA1031 // A failing store answers the official 500 shape; its message is not leaked.
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            LogThreadRouteFailed(logger, method, ex);
            return CopilotResults.InternalError();
        }
    }

    private IResult? InvalidThreadId(HttpContext context, string threadId) =>
        ThreadIds.Validate(threadId, runtime.Options.MaxThreadIdLength) is { } bad
            ? CopilotResults.Error(StatusCodes.Status400BadRequest, "Invalid threadId", bad)
            : null;

    /// <summary>Why a mutation body is refused (400), or <see langword="null"/>: a JSON object with a valid <c>agentId</c>, a string <c>name</c>, a boolean <c>archived</c>.</summary>
    private IResult? ParseMutation(ReadOnlySpan<byte> body)
    {
        JsonElement root;
        try
        {
            if (!System.Text.Unicode.Utf8.IsValid(body))
            {
                throw new JsonException();
            }
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = runtime.Options.MaxJsonDepth });
            root = JsonElement.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return CopilotResults.Error(StatusCodes.Status400BadRequest, "Invalid request body");
        }
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("agentId", out var agentId) || agentId.ValueKind != JsonValueKind.String || !IsValidIdentifier(agentId.GetString()))
        {
            return CopilotResults.Error(StatusCodes.Status400BadRequest, "Valid agentId is required");
        }
        if (root.TryGetProperty("name", out var name) && (name.ValueKind != JsonValueKind.String || name.GetString()!.Length > Options.MaxNameLength || name.GetString()!.Any(char.IsControl)))
        {
            return CopilotResults.Error(StatusCodes.Status400BadRequest, "Invalid name", $"name must be a string of at most {Options.MaxNameLength} characters, without control characters.");
        }
        if (root.TryGetProperty("archived", out var archived) && archived.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return CopilotResults.Error(StatusCodes.Status400BadRequest, "Invalid archived", "archived must be true or false.");
        }
        return null;
    }

    /// <summary>The update of a body <see cref="ParseMutation"/> accepted.</summary>
    private static ThreadUpdate ReadUpdate(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        var root = JsonElement.ParseValue(ref reader);
        return new ThreadUpdate(
            root.TryGetProperty("name", out var name) ? name.GetString() : null,
            root.TryGetProperty("archived", out var archived) ? archived.GetBoolean() : null);
    }

    private static IResult ThreadNotFound(string threadId) =>
        CopilotResults.Error(StatusCodes.Status404NotFound, "Thread not found", $"Thread '{threadId}' does not exist");

    /// <summary>The official runtime's identifier rule for agent ids in thread routes: 1-128 of <c>[A-Za-z0-9_.@:=-]</c>.</summary>
    internal static bool IsValidIdentifier(string? value) => value is { Length: > 0 and <= 128 } && IdentifierPattern().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9_.@:=-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierPattern();

    [LoggerMessage(EventId = 2610, Level = LogLevel.Error, Message = "Thread route {Method} failed")]
    private static partial void LogThreadRouteFailed(ILogger logger, string method, Exception exception);
}
