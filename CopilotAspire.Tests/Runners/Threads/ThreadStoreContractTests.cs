using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Runtime.Runners.Threads;

namespace CopilotAspire.Tests.Runners.Threads;

/// <summary>
/// The thread store of the wire spec §20 (<see cref="IThreadStore"/>), run against both runners: listing newest first
/// in pages, per agent and per scope, rename / archive / unarchive, delete of everything a thread stored, the
/// in-progress rule, and clear of one scope.
/// </summary>
public abstract class ThreadStoreContractTests : IAsyncLifetime
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected AgentRunner Runner { get; private set; } = null!;

    protected IThreadStore Store => (IThreadStore)Runner;

    /// <summary>A runner with its own empty store (the Redis one: its own key prefix).</summary>
    protected abstract ValueTask<AgentRunner> CreateRunnerAsync();

    /// <summary>Asserts the runner keeps nothing at all of <paramref name="thread"/> (Redis: no key with its hash tag).</summary>
    protected abstract Task AssertNothingStoredAsync(ThreadKey thread);

    public async ValueTask InitializeAsync() => Runner = await CreateRunnerAsync();

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    protected static string NewThread() => "thread-" + Guid.NewGuid().ToString("N")[..12];

    protected async Task RunAsync(ThreadKey thread, string runId, string agentId = "agent-a")
    {
        var request = TestAgents.Request(thread.ThreadId, runId, TestAgents.Fixed(), Message.User(runId + "-u", "hi " + runId)) with { AgentId = agentId, Scope = thread.Scope };
        var events = await (await Runner.RunAsync(request, Ct)).ReadAllAsync(Ct);
        Assert.IsType<RunFinishedEvent>(events[^1].Event);
    }

    private async Task<List<ThreadRecord>> ListAllAsync(string? scope, string agentId, int limit, bool includeArchived = false)
    {
        var all = new List<ThreadRecord>();
        string? cursor = null;
        do
        {
            var page = await Store.ListThreadsAsync(new ThreadListQuery(scope, agentId, limit, cursor, includeArchived), Ct);
            Assert.True(page.Threads.Count <= limit);
            Assert.True(page.NextCursor is null || page.Threads.Count == limit, "only a full page has a next one");
            all.AddRange(page.Threads);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }

    private static void AssertNewestFirst(List<ThreadRecord> threads)
    {
        for (var i = 1; i < threads.Count; i++)
        {
            var (a, b) = (threads[i - 1], threads[i]);
            var order = string.CompareOrdinal(b.UpdatedAt, a.UpdatedAt);
            Assert.True(order < 0 || (order == 0 && string.CompareOrdinal(b.Id, a.Id) < 0), $"{a.Id}@{a.UpdatedAt} must come before {b.Id}@{b.UpdatedAt}");
        }
    }

    [Fact]
    public async Task List_pages_through_every_thread_newest_first_and_a_new_run_moves_a_thread_to_the_top()
    {
        var scope = "pages-" + Guid.NewGuid().ToString("N")[..6];
        var ids = Enumerable.Range(0, 12).Select(_ => NewThread()).ToList();
        foreach (var id in ids)
        {
            await RunAsync(new ThreadKey(id, scope), "r1");
        }

        var listed = await ListAllAsync(scope, "agent-a", limit: 5);
        Assert.Equal(ids.Order(StringComparer.Ordinal), listed.Select(t => t.Id).Order(StringComparer.Ordinal));
        AssertNewestFirst(listed);
        var first = listed.Single(t => t.Id == ids[0]);
        Assert.Null(first.Name);
        Assert.Equal("agent-a", first.AgentId);
        Assert.False(first.Archived);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", first.CreatedAt);
        Assert.Equal(first.CreatedAt, first.UpdatedAt);

        // The oldest thread runs again: it is now (one of) the most recently updated, first in its time.
        await RunAsync(new ThreadKey(ids[0], scope), "r2");
        var after = await ListAllAsync(scope, "agent-a", limit: 100);
        AssertNewestFirst(after);
        var moved = after.Single(t => t.Id == ids[0]);
        Assert.All(after, t => Assert.True(string.CompareOrdinal(t.UpdatedAt, moved.UpdatedAt) <= 0));
        Assert.Equal(first.CreatedAt, moved.CreatedAt);
        Assert.Equal(12, after.Count);

        // An exact page size leaves no next page; a larger limit answers everything at once.
        var exact = await Store.ListThreadsAsync(new ThreadListQuery(scope, "agent-a", 12), Ct);
        Assert.Equal(12, exact.Threads.Count);
        Assert.Null(exact.NextCursor);
    }

    [Fact]
    public async Task Threads_are_listed_per_agent_and_per_scope()
    {
        var thread = NewThread();
        await RunAsync(new ThreadKey(thread, "alice"), "r1", "agent-a");
        await RunAsync(new ThreadKey(thread, "bob"), "r1", "agent-b");
        var unscoped = NewThread();
        await RunAsync(unscoped, "r1", "agent-a");

        Assert.Contains(thread, (await ListAllAsync("alice", "agent-a", 50)).Select(t => t.Id));
        Assert.DoesNotContain(thread, (await ListAllAsync("alice", "agent-b", 50)).Select(t => t.Id));
        Assert.Contains(thread, (await ListAllAsync("bob", "agent-b", 50)).Select(t => t.Id));
        Assert.DoesNotContain(thread, (await ListAllAsync("bob", "agent-a", 50)).Select(t => t.Id));
        Assert.DoesNotContain(unscoped, (await ListAllAsync("alice", "agent-a", 50)).Select(t => t.Id));
        Assert.Contains(unscoped, (await ListAllAsync(null, "agent-a", 50)).Select(t => t.Id));
        Assert.DoesNotContain(thread, (await ListAllAsync(null, "agent-a", 50)).Select(t => t.Id));

        // A run of another agent moves the thread to that agent's list.
        await RunAsync(new ThreadKey(thread, "alice"), "r2", "agent-b");
        Assert.DoesNotContain(thread, (await ListAllAsync("alice", "agent-a", 50)).Select(t => t.Id));
        Assert.Equal("agent-b", (await ListAllAsync("alice", "agent-b", 50)).Single(t => t.Id == thread).AgentId);
    }

    [Fact]
    public async Task Rename_archive_and_unarchive_change_the_thread_only_in_its_own_scope()
    {
        var scope = "meta-" + Guid.NewGuid().ToString("N")[..6];
        var thread = new ThreadKey(NewThread(), scope);
        await RunAsync(thread, "r1");

        var renamed = await Store.UpdateThreadAsync(thread, new ThreadUpdate(Name: "Trip to Lisbon"), Ct);
        Assert.Equal("Trip to Lisbon", renamed!.Name);
        Assert.Equal("Trip to Lisbon", (await ListAllAsync(scope, "agent-a", 10)).Single().Name);
        Assert.Null(await Store.UpdateThreadAsync(thread with { Scope = "someone-else" }, new ThreadUpdate(Name: "mine now"), Ct));
        Assert.Null(await Store.UpdateThreadAsync(new ThreadKey(NewThread(), scope), new ThreadUpdate(Name: "x"), Ct));

        var archived = await Store.UpdateThreadAsync(thread, new ThreadUpdate(Archived: true), Ct);
        Assert.True(archived!.Archived);
        Assert.Equal("Trip to Lisbon", archived.Name);
        Assert.Empty(await ListAllAsync(scope, "agent-a", 10));
        var withArchived = Assert.Single(await ListAllAsync(scope, "agent-a", 10, includeArchived: true));
        Assert.True(withArchived.Archived);

        // A run on an archived thread keeps it archived; unarchive brings it back, name and all.
        await RunAsync(thread, "r2");
        Assert.Empty(await ListAllAsync(scope, "agent-a", 10));
        Assert.False((await Store.UpdateThreadAsync(thread, new ThreadUpdate(Archived: false), Ct))!.Archived);
        var back = Assert.Single(await ListAllAsync(scope, "agent-a", 10));
        Assert.Equal("Trip to Lisbon", back.Name);

        // An empty name clears it.
        Assert.Null((await Store.UpdateThreadAsync(thread, new ThreadUpdate(Name: ""), Ct))!.Name);
    }

    [Fact]
    public async Task Include_archived_merges_both_lists_newest_first_across_pages()
    {
        var scope = "merge-" + Guid.NewGuid().ToString("N")[..6];
        var ids = Enumerable.Range(0, 9).Select(_ => NewThread()).ToList();
        foreach (var id in ids)
        {
            await RunAsync(new ThreadKey(id, scope), "r1");
        }
        foreach (var id in ids.Where((_, i) => i % 3 == 0))
        {
            await Store.UpdateThreadAsync(new ThreadKey(id, scope), new ThreadUpdate(Archived: true), Ct);
        }
        var all = await ListAllAsync(scope, "agent-a", limit: 2, includeArchived: true);
        Assert.Equal(ids.Order(StringComparer.Ordinal), all.Select(t => t.Id).Order(StringComparer.Ordinal));
        AssertNewestFirst(all);
        Assert.Equal(3, all.Count(t => t.Archived));
        Assert.Equal(6, (await ListAllAsync(scope, "agent-a", limit: 4)).Count);
    }

    [Fact]
    public async Task Delete_removes_everything_the_thread_stored_and_the_id_starts_afresh()
    {
        var scope = "delete-" + Guid.NewGuid().ToString("N")[..6];
        var thread = new ThreadKey(NewThread(), scope);
        await RunAsync(thread, "r1");
        await RunAsync(thread, "r2");
        Assert.NotEmpty(await Store.GetThreadEventsAsync(thread, Ct));

        Assert.Equal(ThreadDeleteOutcome.NotFound, await Store.DeleteThreadAsync(thread with { Scope = "intruder" }, Ct));
        Assert.Single(await ListAllAsync(scope, "agent-a", 10));
        Assert.Equal(ThreadDeleteOutcome.Deleted, await Store.DeleteThreadAsync(thread, Ct));

        Assert.Empty(await ListAllAsync(scope, "agent-a", 10, includeArchived: true));
        Assert.Empty(await Store.GetThreadEventsAsync(thread, Ct));
        Assert.Empty(await (await Runner.ConnectAsync(new AgentConnectRequest(thread.ThreadId, "agent-a", new Dictionary<string, string>()) { Scope = scope }, Ct)).ReadAllAsync(Ct));
        await AssertNothingStoredAsync(thread);
        Assert.Equal(ThreadDeleteOutcome.NotFound, await Store.DeleteThreadAsync(thread, Ct));

        // The same id is a new thread: its first run's input holds every message again.
        var request = TestAgents.Request(thread.ThreadId, "r3", TestAgents.Fixed(), Message.User("r1-u", "hi r1"), Message.User("r3-u", "again")) with { AgentId = "agent-a", Scope = scope };
        var events = await (await Runner.RunAsync(request, Ct)).ReadAllAsync(Ct);
        Assert.Equal(["r1-u", "r3-u"], Assert.IsType<RunStartedEvent>(events[0].Event).Input!.Messages.Select(m => m.Id));
        Assert.Single(await ListAllAsync(scope, "agent-a", 10));
    }

    [Fact]
    public async Task A_thread_with_a_run_in_progress_is_not_deleted_until_its_run_has_ended()
    {
        var thread = new ThreadKey(NewThread(), "busy-" + Guid.NewGuid().ToString("N")[..6]);
        var request = TestAgents.Request(thread.ThreadId, "r1", TestAgents.Hanging()) with { AgentId = "agent-a", Scope = thread.Scope };
        await using var running = (await Runner.RunAsync(request, Ct)).GetAsyncEnumerator(Ct);
        await running.ReadUntilAsync(e => e is ToolCallArgsEvent);

        Assert.Equal(ThreadDeleteOutcome.Running, await Store.DeleteThreadAsync(thread, Ct));
        Assert.Equal(0, await Store.ClearThreadsAsync(thread.Scope, Ct));
        Assert.Single(await ListAllAsync(thread.Scope, "agent-a", 10));
        Assert.True(await Runner.IsRunningAsync(thread, Ct));

        Assert.True((await Runner.StopAsync(thread, null, Ct)).Stopped);
        await running.ReadToEndAsync();
        // The stream ends once the run is stored and the thread released.
        Assert.Equal(ThreadDeleteOutcome.Deleted, await Store.DeleteThreadAsync(thread, Ct));
        await AssertNothingStoredAsync(thread);
    }

    [Fact]
    public async Task Clear_removes_the_idle_threads_of_one_scope_only()
    {
        var mine = "clear-" + Guid.NewGuid().ToString("N")[..6];
        var theirs = "other-" + Guid.NewGuid().ToString("N")[..6];
        var ids = Enumerable.Range(0, 3).Select(_ => NewThread()).ToList();
        foreach (var id in ids)
        {
            await RunAsync(new ThreadKey(id, mine), "r1", "agent-a");
            await RunAsync(new ThreadKey(id, theirs), "r1", "agent-a");
        }
        await RunAsync(new ThreadKey(ids[0], mine), "r2", "agent-b");
        await Store.UpdateThreadAsync(new ThreadKey(ids[1], mine), new ThreadUpdate(Archived: true), Ct);

        Assert.Equal(3, await Store.ClearThreadsAsync(mine, Ct));
        Assert.Empty(await ListAllAsync(mine, "agent-a", 10, includeArchived: true));
        Assert.Empty(await ListAllAsync(mine, "agent-b", 10, includeArchived: true));
        foreach (var id in ids)
        {
            await AssertNothingStoredAsync(new ThreadKey(id, mine));
        }
        Assert.Equal(3, (await ListAllAsync(theirs, "agent-a", 10)).Count);
    }

    [Fact]
    public async Task Events_are_the_stored_runs_as_connect_replays_them()
    {
        var thread = new ThreadKey(NewThread(), "events");
        await RunAsync(thread, "r1");
        await RunAsync(thread, "r2");
        var events = await Store.GetThreadEventsAsync(thread, Ct);
        var replay = await (await Runner.ConnectAsync(new AgentConnectRequest(thread.ThreadId, "agent-a", new Dictionary<string, string>()) { Scope = "events" }, Ct)).ReadAllAsync(Ct);
        Assert.Equal(replay.Json(), events.Json());
        Assert.Equal(2, events.Count(e => e.Event is RunStartedEvent));
        Assert.Empty(await Store.GetThreadEventsAsync(thread with { Scope = "other" }, Ct));
    }

    [Fact]
    public async Task A_cursor_that_was_not_given_out_is_refused()
    {
        foreach (var cursor in new[] { "not base64!", "bm9jb2xvbg", "OnRocmVhZA" })
        {
            await Assert.ThrowsAsync<ThreadCursorException>(async () => await Store.ListThreadsAsync(new ThreadListQuery(null, "agent-a", 10, cursor), Ct));
        }
    }
}
