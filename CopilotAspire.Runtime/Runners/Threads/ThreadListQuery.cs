namespace CopilotAspire.Runtime.Runners.Threads;

/// <summary>Which threads to list: those of <paramref name="Scope"/> whose last run was of <paramref name="AgentId"/>.</summary>
/// <param name="Scope">The thread scope (<see cref="ThreadKey.Scope"/>); <see langword="null"/>: unscoped threads.</param>
/// <param name="AgentId">The agent whose threads are listed.</param>
/// <param name="Limit">Most threads in the page (at least 1).</param>
/// <param name="Cursor">The <see cref="ThreadPage.NextCursor"/> of the previous page, or <see langword="null"/> for the first.</param>
/// <param name="IncludeArchived">Archived threads too (they are left out by default).</param>
public sealed record ThreadListQuery(string? Scope, string AgentId, int Limit, string? Cursor = null, bool IncludeArchived = false);
