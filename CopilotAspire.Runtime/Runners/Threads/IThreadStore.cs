namespace CopilotAspire.Runtime.Runners.Threads;

/// <summary>
/// The threads a runner keeps, as the <c>/threads</c> routes see them (wire spec §20): a page of a scope's threads of one
/// agent, newest update first; a thread's stored history; rename, archive, delete and clear. Every call is confined to
/// one thread scope (<see cref="ThreadKey.Scope"/>): a thread of another scope is unknown, whatever its id. A runner
/// keeps a per-scope index ordered by last update, so a page costs O(log n + page size).
/// </summary>
public interface IThreadStore
{
    /// <summary>A page of <paramref name="query"/>'s threads, most recently updated first.</summary>
    /// <exception cref="ThreadCursorException">The query's cursor is not one this store gave out.</exception>
    ValueTask<ThreadPage> ListThreadsAsync(ThreadListQuery query, CancellationToken cancellationToken);

    /// <summary>The thread's finished runs, compacted (what a connect replays), oldest first; empty for an unknown thread.</summary>
    ValueTask<IReadOnlyList<RunnerEvent>> GetThreadEventsAsync(ThreadKey thread, CancellationToken cancellationToken);

    /// <summary>Renames, archives or unarchives the thread; <see langword="null"/> if the scope has no such thread.</summary>
    ValueTask<ThreadRecord?> UpdateThreadAsync(ThreadKey thread, ThreadUpdate update, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the thread and everything stored for it (history, raw streams, index entry). A thread with a run in
    /// progress is not removed (<see cref="ThreadDeleteOutcome.Running"/>): stop the run first.
    /// </summary>
    ValueTask<ThreadDeleteOutcome> DeleteThreadAsync(ThreadKey thread, CancellationToken cancellationToken);

    /// <summary>Removes every thread of <paramref name="scope"/> that has no run in progress; returns how many.</summary>
    ValueTask<int> ClearThreadsAsync(string? scope, CancellationToken cancellationToken);
}
