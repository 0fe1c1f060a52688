using System.Security.Cryptography;
using System.Text;
using CopilotAspire.Runtime.Runners;
using StackExchange.Redis;

namespace CopilotAspire.Runtime.Redis;

/// <summary>
/// The keys and channel of one thread. All share the hash tag <c>{t:&lt;id&gt;}</c> (one Redis Cluster slot), where
/// the id is the thread id itself when it is short and made of <c>[A-Za-z0-9._:@-]</c>, and otherwise
/// <c>#</c> + the SHA-256 of the thread id in hex (so any thread id, of any length, becomes a safe key, with no
/// collision between the two forms: <c>#</c> is not in the plain alphabet). A thread of a scope
/// (<see cref="ThreadKey.Scope"/>) has the hash tag <c>{s:&lt;scope&gt;/&lt;id&gt;}</c> instead, the scope encoded
/// the same way as the id: <c>s:</c> never meets <c>t:</c>, and <c>/</c> is in neither encoded form, so no scope and
/// thread id can produce another's keys or an unscoped thread's.
/// <code>
/// {prefix}{t:id}:lock     string  owner token of the active run       PX LockTtl, renewed by the owner's heartbeat
/// {prefix}{t:id}:active   hash    seq, runId, threadId, agentId, owner, token, status (running|stopping), n (events written)
/// {prefix}{t:id}:seq      string  run sequence counter (INCR)           ThreadTtl from each run's start (active too;
///                                 both renewed by the owner's heartbeat while the run lasts, not by its batches)
/// {prefix}{t:id}:runs     list    finished runs, compacted, one JSON element per run (StoredRunCodec), oldest first (LTRIM to MaxRunsPerThread)
///                                 runs, msgs, runmsgs: ThreadTtl, renewed when a run is stored and by connects
/// {prefix}{t:id}:msgs     hash    message id → seq of the newest stored run holding it (RUN_STARTED.input filtering)
/// {prefix}{t:id}:runmsgs  list    per stored run, JSON [seq, message ids…], oldest first, trimmed with runs: a run
///                                 dropped from runs takes its ids out of msgs (unless a newer stored run holds them)
/// {prefix}{t:id}:run:N    stream  raw events of run N, an entry per written batch: id 0-K (K: its last event's index), one
///                                 field 2:F → the JSON of events F…K, one per line (RedisEventBatch: format 2, and 1 is
///                                 read) (ThreadTtl while active, ResumeWindow after)
///
/// {prefix}{t:id}:meta     hash    the thread as /threads lists it: agentId, name, archived (0|1), createdAt, updatedAt (ms)
///                                 ThreadTtl, refreshed by runs, connects and updates (see RedisThreadIndexKeys)
/// {prefix}{t:id}:notify   channel "new events / run ended" wake-ups for connect subscribers
/// {prefix}replica:ID:stop channel stop requests for the replica that owns a run
/// </code>
/// </summary>
internal sealed class RedisThreadKeys
{
    /// <summary>Longest thread id used verbatim in keys; longer ids are hashed.</summary>
    public const int MaxPlainIdLength = 128;

    private readonly string _base;

    public RedisThreadKeys(string prefix, ThreadKey thread)
    {
        ThreadId = thread.ThreadId;
        Tag = thread.Scope is null ? "t:" + TagFor(thread.ThreadId) : "s:" + TagFor(thread.Scope, "scope") + "/" + TagFor(thread.ThreadId);
        _base = $"{prefix}{{{Tag}}}:";
        Lock = _base + "lock";
        Active = _base + "active";
        Seq = _base + "seq";
        Runs = _base + "runs";
        MessageIds = _base + "msgs";
        RunMessageIds = _base + "runmsgs";
        Meta = _base + "meta";
        RunPrefix = _base + "run:";
        NotifyName = _base + "notify";
        Notify = RedisChannel.Literal(NotifyName);
    }

    public string ThreadId { get; }

    /// <summary>The part inside the braces: <c>t:&lt;id&gt;</c> or <c>s:&lt;scope&gt;/&lt;id&gt;</c>.</summary>
    public string Tag { get; }

    public RedisKey Lock { get; }
    public RedisKey Active { get; }
    public RedisKey Seq { get; }
    public RedisKey Runs { get; }
    public RedisKey MessageIds { get; }
    public RedisKey RunMessageIds { get; }
    public RedisKey Meta { get; }

    /// <summary>The keys of the thread's run streams without their number (a script argument: delete removes them all).</summary>
    public string RunPrefix { get; }
    public RedisChannel Notify { get; }

    /// <summary>The name of <see cref="Notify"/> (a script argument: scripts publish to it).</summary>
    public string NotifyName { get; }

    public RedisKey Run(long seq) => RunPrefix + seq.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Validates a thread id: not empty, no control characters (as the HTTP layer, which also enforces
    /// <c>MaxThreadIdLength</c>). Any length is safe here: long ids are hashed.
    /// </summary>
    public static void Validate(string threadId, string what = "thread id")
    {
        ArgumentException.ThrowIfNullOrEmpty(threadId);
        if (threadId.Any(char.IsControl))
        {
            throw new ArgumentException($"A {what} must not contain control characters.", nameof(threadId));
        }
    }

    /// <summary>A thread id (or scope) as it appears in keys: itself when short and plain, else <c>#</c> + its SHA-256.</summary>
    internal static string TagFor(string id, string what = "thread id")
    {
        Validate(id, what);
        if (id.Length <= MaxPlainIdLength && id.All(IsPlain))
        {
            return id;
        }
        return "#" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
    }

    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '@' or '-';
}
