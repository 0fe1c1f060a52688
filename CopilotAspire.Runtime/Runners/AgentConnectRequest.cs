namespace CopilotAspire.Runtime.Runners;

/// <summary>
/// A connect: <paramref name="LastEventId"/> is the SSE <c>Last-Event-ID</c> the client resumes after (runners that
/// give their events ids honour it); <paramref name="Headers"/> are the forwardable request headers.
/// </summary>
public sealed record AgentConnectRequest(string ThreadId, string AgentId, IReadOnlyDictionary<string, string> Headers, string? LastEventId = null)
{
    /// <summary>The thread scope of the request (<see cref="ThreadKey.Scope"/>); <see langword="null"/>: unscoped.</summary>
    public string? Scope { get; init; }

    public ThreadKey Thread => new(ThreadId, Scope);
}
