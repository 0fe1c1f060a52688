namespace CopilotAspire.Runtime.Runners;

/// <summary>
/// A connect: <paramref name="LastEventId"/> is the SSE <c>Last-Event-ID</c> the client resumes after (runners that
/// give their events ids honour it); <paramref name="Headers"/> are the forwardable request headers.
/// </summary>
/// <param name="ThreadId">The thread to replay and follow, as the client names it.</param>
/// <param name="AgentId">The agent of the route.</param>
/// <param name="Headers">The request headers allowed to be forwarded (<c>Authorization</c>, <c>x-*</c>; wire spec §6.3).</param>
/// <param name="LastEventId">The id of the last event the client received, or <see langword="null"/> to replay all.</param>
public sealed record AgentConnectRequest(string ThreadId, string AgentId, IReadOnlyDictionary<string, string> Headers, string? LastEventId = null)
{
    /// <summary>The thread scope of the request (<see cref="ThreadKey.Scope"/>); <see langword="null"/>: unscoped.</summary>
    public string? Scope { get; init; }

    /// <summary>The thread as the runner keys it: <see cref="ThreadId"/> within <see cref="Scope"/>.</summary>
    public ThreadKey Thread => new(ThreadId, Scope);
}
