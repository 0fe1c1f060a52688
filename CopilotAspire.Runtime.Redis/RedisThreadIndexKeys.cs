using StackExchange.Redis;

namespace CopilotAspire.Runtime.Redis;

/// <summary>
/// The thread index of one scope (<see cref="Runners.ThreadKey.Scope"/>), for <c>/threads</c>. Its keys share the hash tag
/// <c>{i}</c> (unscoped) or <c>{i:&lt;scope&gt;}</c>, the scope encoded as in <see cref="RedisThreadKeys"/>: one Redis
/// Cluster slot per scope, never a thread's (<c>t:</c>, <c>s:</c>).
/// <code>
/// {prefix}{i:scope}:live:&lt;agent&gt;      zset  thread id → last update (ms), the agent's threads that are not archived
/// {prefix}{i:scope}:archived:&lt;agent&gt;  zset  the same for archived threads
/// {prefix}{i:scope}:agents            set   agent ids that have an index in the scope (clear walks them)
/// {prefix}{i:scope}:records           hash  thread id → its list record (RedisThreadRecord: createdAt and name), so a
///                                     page is one ZRANGE and one HMGET, no read of each thread's meta
/// </code>
/// Every key lives ThreadTtl, refreshed whenever a thread of the scope is indexed. A thread and its index entry are in
/// different slots, so they change in two commands, the thread first: if the second fails, the index is stale until the
/// thread's next run or update (an entry whose thread is gone is dropped when a list meets it; a thread missing from the
/// index is listed again after its next run).
/// </summary>
internal sealed class RedisThreadIndexKeys
{
    private readonly string _base;

    public RedisThreadIndexKeys(string prefix, string? scope)
    {
        _base = $"{prefix}{{{(scope is null ? "i" : "i:" + RedisThreadKeys.TagFor(scope, "scope"))}}}:";
        Agents = _base + "agents";
        Records = _base + "records";
    }

    public RedisKey Agents { get; }

    /// <summary>The list records of the scope's threads (<see cref="RedisThreadRecord"/>).</summary>
    public RedisKey Records { get; }

    /// <summary>The index of <paramref name="agentId"/>'s live or archived threads.</summary>
    public RedisKey Index(string agentId, bool archived) => _base + (archived ? "archived:" : "live:") + RedisThreadKeys.TagFor(agentId, "agent id");
}
