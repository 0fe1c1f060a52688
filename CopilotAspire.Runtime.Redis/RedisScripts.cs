namespace CopilotAspire.Runtime.Redis;

/// <summary>
/// The Lua scripts that make each state change of a thread atomic (one round trip each). Every key a script touches
/// is passed in KEYS and shares the thread's hash tag. Writes by a run's owner are fenced by its lock token: a
/// replica that lost its lock (expired, or taken over after it was presumed dead) cannot write to the thread.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Starts a run if the thread is free, and updates the thread as <c>/threads</c> lists it (its <c>meta</c> hash: the
    /// agent and the update time, never earlier than the last one; a new thread gets its creation time). KEYS: lock,
    /// active, seq, msgs, meta. ARGV: token, lockTtlMs, threadTtlMs, runId, threadId, agentId, owner, now (ms), then the
    /// input message ids. Returns {'busy'}, {'orphan'} (an active run whose lock expired: close it first), or
    /// {'ok', seq, previous agentId or '', archived 0|1, updatedAt, known…} with 1/0 per message id held by a stored
    /// run of the thread. The thread's history keys (msgs, runs, runmsgs) are not renewed here: the finish renews them.
    /// </summary>
    public const string Acquire = """
        if redis.call('EXISTS', KEYS[1], KEYS[2]) > 0 then
          if redis.call('EXISTS', KEYS[1]) == 1 then return {'busy'} end
          return {'orphan'}
        end
        local seq = redis.call('INCR', KEYS[3])
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        redis.call('HSET', KEYS[2], 'seq', seq, 'runId', ARGV[4], 'threadId', ARGV[5], 'agentId', ARGV[6],
          'owner', ARGV[7], 'token', ARGV[1], 'status', 'running', 'n', 0)
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        redis.call('PEXPIRE', KEYS[3], ARGV[3])
        local meta = redis.call('HMGET', KEYS[5], 'agentId', 'archived', 'updatedAt')
        local now = tonumber(ARGV[8])
        if meta[3] and tonumber(meta[3]) > now then now = tonumber(meta[3]) end
        if meta[1] then
          redis.call('HSET', KEYS[5], 'agentId', ARGV[6], 'updatedAt', now)
        else
          redis.call('HSET', KEYS[5], 'agentId', ARGV[6], 'updatedAt', now, 'createdAt', now, 'archived', '0')
        end
        redis.call('PEXPIRE', KEYS[5], ARGV[3])
        local result = {'ok', seq, meta[1] or '', meta[2] or '0', now}
        for i = 9, #ARGV, 1000 do -- one HMGET per 1000 ids (unpack's stack is bounded), not a call per id
          local held = redis.call('HMGET', KEYS[4], unpack(ARGV, i, math.min(i + 999, #ARGV)))
          for j = 1, #held do result[#result + 1] = held[j] and 1 or 0 end
        end
        return result
        """;

    /// <summary>
    /// Appends a batch of events (or, with none, just renews the lock and the run's keys: the heartbeat). KEYS: lock,
    /// active, stream, seq. ARGV: token, lockTtlMs, threadTtlMs, notify channel, index F of the batch's first event, index
    /// K of its last (K &lt; F: no events), the batch (<see cref="RedisEventBatch"/>). A batch is one stream entry, id
    /// 0-K, with one field: <c>2:F</c> (the format, <see cref="RedisEventBatch.FieldPrefix"/>, and F) → the events' JSON,
    /// one per line. A batch already written (a retried call: K not above the count of events written) is skipped. The
    /// lock is renewed by every call; the run's other keys (active, seq: ThreadTtl from the start) only by the heartbeat,
    /// and the stream when its first entry is written (not per batch). Returns -1 if the lock is not the caller's, 1 if
    /// a stop was requested, else 0.
    /// </summary>
    public const string Append = $$"""
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        local active = redis.call('HMGET', KEYS[2], 'n', 'status')
        local k = tonumber(ARGV[6])
        local n = tonumber(active[1] or '0')
        if k >= tonumber(ARGV[5]) then
          if k > n then
            redis.call('XADD', KEYS[3], '0-' .. k, '{{RedisEventBatch.FieldPrefix}}' .. ARGV[5], ARGV[7])
            redis.call('HSET', KEYS[2], 'n', k)
            if n == 0 then redis.call('PEXPIRE', KEYS[3], ARGV[3]) end
            redis.call('PUBLISH', ARGV[4], k)
          end
        else
          redis.call('PEXPIRE', KEYS[2], ARGV[3])
          redis.call('PEXPIRE', KEYS[3], ARGV[3])
          redis.call('PEXPIRE', KEYS[4], ARGV[3])
        end
        if active[2] == 'stopping' then return 1 end
        return 0
        """;

    /// <summary>
    /// Ends a run: checks that its last batch of events reached its stream, or appends it (see below), stores its
    /// compacted events as one history entry and its message ids (msgs: id → seq; runmsgs: [seq, ids…]), drops the
    /// oldest runs past the cap together with the ids only they held, renews the history's keys, clears the active run
    /// and the lock, keeps the raw stream for the resume window, wakes connects. KEYS: lock, active, stream, runs, msgs,
    /// runmsgs. ARGV: token, threadTtlMs, resumeWindowMs, maxRuns, notify channel, run JSON ('' = store nothing, and no
    /// ids), seq, index F of the batch's first event, index K of its last (K &lt; F: none), the batch ('' = none here),
    /// the count of entries the stream must hold ('' = no check), the id of the stream's last entry as the caller read
    /// it (<c>none</c>: no entry; '' = no check), then the message ids.
    /// <para>The owner sends its last batch as a plain <c>XADD</c> (id 0-K, as <see cref="Append"/> writes it) just
    /// before this script on the same connection, and passes the count of entries its stream then holds: the batch's
    /// bytes never pass through Lua (hashing them into a Lua string was a fifth of redis-server's CPU per run). The count
    /// fences that write: the script checks the lock first, then that the entry is there. A stale owner's plain XADD is
    /// not fenced by the lock; it can only append the run's own last events (under its explicit id, never twice), which
    /// the orphan's closing then keeps, or land after a closed run's terminal event, where no reader goes. An orphan's
    /// closing passes its batch here and the stream's last id as it read it, so a stale owner's entry that landed in
    /// between is read first, never overlapped.</para>
    /// Returns 0 if the lock is not the caller's, 1 when stored, 2 if the stream's last entry is not the one the caller
    /// read, 3 if the stream holds fewer entries than the caller wrote (its XADD did not land): nothing is changed then.
    /// </summary>
    public const string Finish = $$"""
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        if ARGV[11] ~= '' and redis.call('XLEN', KEYS[3]) < tonumber(ARGV[11]) then return 3 end
        if ARGV[12] ~= '' then
          local top = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', 1)[1]
          if (top and top[1] or 'none') ~= ARGV[12] then return 2 end
        end
        local k = tonumber(ARGV[9])
        if ARGV[10] ~= '' and k >= tonumber(ARGV[8]) and k > tonumber(redis.call('HGET', KEYS[2], 'n') or '0') then
          redis.call('XADD', KEYS[3], '0-' .. k, '{{RedisEventBatch.FieldPrefix}}' .. ARGV[8], ARGV[10])
        end
        if ARGV[6] ~= '' then
          local max = tonumber(ARGV[4])
          if redis.call('RPUSH', KEYS[4], ARGV[6]) > max then redis.call('LTRIM', KEYS[4], -max, -1) end
          local entry = {ARGV[7]}
          local fields = {} -- one HSET per 500 ids (unpack's stack is bounded), not a call per id
          for i = 13, #ARGV do
            entry[#entry + 1] = ARGV[i]
            fields[#fields + 1] = ARGV[i]
            fields[#fields + 1] = ARGV[7]
            if #fields == 1000 then redis.call('HSET', KEYS[5], unpack(fields)) fields = {} end
          end
          if #fields > 0 then redis.call('HSET', KEYS[5], unpack(fields)) end
          for _ = 1, redis.call('RPUSH', KEYS[6], cjson.encode(entry)) - max do
            local dropped = cjson.decode(redis.call('LPOP', KEYS[6]))
            for i = 2, #dropped do
              if redis.call('HGET', KEYS[5], dropped[i]) == dropped[1] then redis.call('HDEL', KEYS[5], dropped[i]) end
            end
          end
          redis.call('PEXPIRE', KEYS[4], ARGV[2])
          redis.call('PEXPIRE', KEYS[5], ARGV[2])
          redis.call('PEXPIRE', KEYS[6], ARGV[2])
        end
        redis.call('DEL', KEYS[1], KEYS[2])
        redis.call('PEXPIRE', KEYS[3], ARGV[3])
        redis.call('PUBLISH', ARGV[5], 'end')
        return 1
        """;

    /// <summary>
    /// Marks the active run as stopping. KEYS: lock, active. ARGV: runId or ''. Returns {'none'} (nothing running,
    /// already stopping, or being closed), {'orphan'} (its lock expired), {'other'} (runId is not the active run), or
    /// {'ok', owner, token}.
    /// </summary>
    public const string Stop = """
        if redis.call('EXISTS', KEYS[2]) == 0 then return {'none'} end
        local lock = redis.call('GET', KEYS[1])
        if not lock then return {'orphan'} end
        if lock ~= redis.call('HGET', KEYS[2], 'token') then return {'none'} end
        if redis.call('HGET', KEYS[2], 'status') == 'stopping' then return {'none'} end
        if ARGV[1] ~= '' and redis.call('HGET', KEYS[2], 'runId') ~= ARGV[1] then return {'other'} end
        redis.call('HSET', KEYS[2], 'status', 'stopping')
        return {'ok', redis.call('HGET', KEYS[2], 'owner'), lock}
        """;
}
