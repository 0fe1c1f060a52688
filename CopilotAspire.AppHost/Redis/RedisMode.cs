namespace CopilotAspire.AppHost.Redis;

/// <summary>How the AppHost provides Redis (setting <c>Redis:Mode</c>).</summary>
public enum RedisMode
{
    /// <summary>A container where a container runtime answers, else <see cref="Local"/> (the default).</summary>
    Auto,

    /// <summary>The Redis container (<c>AddRedis</c>); always used in publish mode.</summary>
    Container,

    /// <summary>The machine's <c>redis-server</c> as an executable resource (no container runtime needed).</summary>
    Local,

    /// <summary>An existing Redis given by <c>ConnectionStrings:redis</c> in the AppHost's configuration.</summary>
    ConnectionString,
}
