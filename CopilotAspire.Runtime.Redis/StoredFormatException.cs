namespace CopilotAspire.Runtime.Redis;

/// <summary>
/// Redis holds a stream entry or stored run in a format this replica does not read (a newer replica wrote it: see
/// <see cref="RedisEventBatch.FormatVersion"/> and <see cref="StoredRunCodec.FormatVersion"/>). The request is
/// answered 503 (another replica, or this one once upgraded, can serve it); nothing stored is changed.
/// </summary>
internal sealed class StoredFormatException(string what, int version, int newest)
    : Exception($"Redis holds a {what} in format {version}; this replica reads formats 1 to {newest}: a newer version wrote it.");
