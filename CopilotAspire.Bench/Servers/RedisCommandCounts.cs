namespace CopilotAspire.Bench.Servers;

/// <summary>
/// What <c>INFO commandstats</c> says so far: commands (a script's inner commands included), scripts (EVAL/EVALSHA),
/// microseconds in scripts (inner commands included) and in every other command (inner ones too, so the two overlap).
/// </summary>
public readonly record struct RedisCommandCounts(long Commands, long Scripts, long ScriptUsec, long OtherUsec);
