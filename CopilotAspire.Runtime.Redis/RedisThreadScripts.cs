namespace CopilotAspire.Runtime.Redis;

/// <summary>
/// The Lua scripts of <c>/threads</c> (see <see cref="RedisThreadIndexKeys"/>). A thread's scripts touch only its keys
/// (its hash tag); the index's touch only the scope's index keys: a thread and its index entry change in two calls.
/// </summary>
internal static class RedisThreadScripts
{
    /// <summary>
    /// Renames, archives or unarchives a thread. KEYS: meta. ARGV: set name (0|1), name ('' clears it), archived
    /// ('' keeps it, 0|1), threadTtlMs. Returns nil for an unknown thread, else {agentId, name or '', archived before,
    /// archived now, createdAt, updatedAt}.
    /// </summary>
    public const string Update = """
        local old = redis.call('HMGET', KEYS[1], 'agentId', 'archived')
        if not old[1] then return false end
        if ARGV[1] == '1' then
          if ARGV[2] == '' then redis.call('HDEL', KEYS[1], 'name') else redis.call('HSET', KEYS[1], 'name', ARGV[2]) end
        end
        if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'archived', ARGV[3]) end
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        local now = redis.call('HMGET', KEYS[1], 'name', 'archived', 'createdAt', 'updatedAt')
        return {old[1], now[1] or '', old[2], now[2], now[3], now[4]}
        """;

    /// <summary>
    /// Deletes a thread unless a run holds it: its metadata, history, message ids, run counter, an orphaned run's state
    /// and every run stream (run:1 … run:seq, computed here: they share the thread's hash tag). KEYS: lock, active, seq,
    /// runs, msgs, runmsgs, meta. ARGV: the run stream key prefix. Returns {'running'}, {'none'} (nothing stored), or
    /// {'ok', agentId or '', archived 0|1}.
    /// </summary>
    public const string Delete = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return {'running'} end
        local meta = redis.call('HMGET', KEYS[7], 'agentId', 'archived')
        local seq = tonumber(redis.call('GET', KEYS[3]) or '0')
        for i = 1, seq do redis.call('UNLINK', ARGV[1] .. i) end
        if redis.call('UNLINK', KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]) == 0 and seq == 0 then return {'none'} end
        return {'ok', meta[1] or '', meta[2] or '0'}
        """;

    /// <summary>
    /// Moves a thread's entry in the scope's index (a run of another agent started, or it was archived or unarchived). KEYS: the index it
    /// leaves (may equal the next), the index it enters, agents, records (its expiry renewed with the index's). ARGV: thread id, score (ms), agentId, threadTtlMs.
    /// </summary>
    public const string Reindex = """
        if KEYS[1] ~= KEYS[2] then redis.call('ZREM', KEYS[1], ARGV[1]) end
        redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
        redis.call('SADD', KEYS[3], ARGV[3])
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        redis.call('PEXPIRE', KEYS[3], ARGV[4])
        redis.call('PEXPIRE', KEYS[4], ARGV[4])
        return 1
        """;
}
