namespace CopilotAspire.Runtime.Runners;

/// <summary>
/// A thread as a runner stores it: the client's <paramref name="ThreadId"/> inside an optional
/// <paramref name="Scope"/> (for example the signed-in user's id, from <c>WithThreadScope</c>). Threads of different
/// scopes never meet, whatever their ids: a runner keys every read and write by both, and answers a thread of another
/// scope as unknown. <see langword="null"/> is the unscoped namespace (the official runtime's behaviour). Events keep
/// carrying the client's thread id; the scope never appears on the wire.
/// </summary>
/// <param name="ThreadId">The client's thread id.</param>
/// <param name="Scope">The scope, or <see langword="null"/> for the unscoped namespace.</param>
public readonly record struct ThreadKey(string ThreadId, string? Scope = null)
{
    /// <summary>An unscoped thread.</summary>
    public static implicit operator ThreadKey(string threadId) => new(threadId);

    /// <summary>An unscoped thread.</summary>
    public static ThreadKey FromString(string threadId) => new(threadId);
}
