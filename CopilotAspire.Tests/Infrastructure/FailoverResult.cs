namespace CopilotAspire.Tests.Infrastructure;

/// <summary>A replica promoted by <see cref="RedisClusterFixture.FailOverAsync"/>: its port, and how many bytes of the replication stream it lagged behind its master when it was told to take over (ROLE's offsets).</summary>
public sealed record FailoverResult(int NewMasterPort, long ReplicationLagBytes);
