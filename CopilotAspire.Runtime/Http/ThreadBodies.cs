namespace CopilotAspire.Runtime.Http;

/// <summary>The answer of <c>POST threads/{threadId}/archive</c>: <c>{threadId, archived: true}</c> (the official shape).</summary>
internal sealed record ThreadArchived(string ThreadId, bool Archived);

/// <summary>The answer of <c>DELETE threads/{threadId}</c>: <c>{threadId, deleted: true}</c> (the official shape).</summary>
internal sealed record ThreadDeleted(string ThreadId, bool Deleted);
