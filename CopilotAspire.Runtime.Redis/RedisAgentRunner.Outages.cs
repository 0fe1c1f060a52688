using CopilotAspire.Runtime.Runners;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CopilotAspire.Runtime.Redis;

// When Redis cannot serve a request: which failures are an outage (answered 503, never 500), and what the 503 says.
public sealed partial class RedisAgentRunner
{
    private void ThrowIfUnavailable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (!_redis.IsConnected)
        {
            Metrics.Unavailable.Add(1);
            throw new RunnerUnavailableException("Redis is not reachable; the runner cannot start or connect to runs until it is back.");
        }
    }

    /// <summary>The thread holds data a newer version wrote (a rollback, or a replica not yet upgraded): 503, nothing changed.</summary>
    private RunnerUnavailableException NewerFormat(string threadId, StoredFormatException ex)
    {
        Metrics.Unavailable.Add(1);
        LogNewerFormat(_logger, threadId, ex);
        return new RunnerUnavailableException("This replica cannot read the thread's stored data (a newer version wrote it).", ex);
    }

    /// <summary>
    /// The 503 for a request Redis could not serve, saying which of three it was (in the log and to the client): not
    /// reachable; reachable but not answering within the client's timeout (its queue full, or Redis overloaded); or
    /// answering with an error that means "not now" (OOM, LOADING, READONLY, …).
    /// </summary>
    private RunnerUnavailableException Unavailable(Exception ex)
    {
        Metrics.Unavailable.Add(1);
        if (ex is RedisTimeoutException && _redis.IsConnected)
        {
            LogTimedOut(_logger, ex);
            return new RunnerUnavailableException("Redis is reachable but did not answer in time (the queue to it is full, or it is overloaded); retry shortly.", ex);
        }
        if (ex is RedisServerException && _redis.IsConnected)
        {
            var code = ServerErrorCode(ex.Message);
            LogRefused(_logger, code, ex);
            return new RunnerUnavailableException($"Redis is reachable but cannot serve the request right now ({code}); retry shortly.", ex);
        }
        LogUnavailable(_logger, ex);
        return new RunnerUnavailableException("Redis is not reachable; the runner cannot start or connect to runs until it is back.", ex);
    }

    /// <summary>The error code of a server error (<c>OOM</c>, <c>LOADING</c>, …), also as a script error quotes it.</summary>
    private static string ServerErrorCode(string message) =>
        UnavailableServerErrors.FirstOrDefault(code => message.StartsWith(code, StringComparison.Ordinal) || message.Contains(" -" + code + " ", StringComparison.Ordinal)) ?? "error";

    /// <summary>
    /// A request failed because Redis is out: a failure that says so (<see cref="IsUnavailable"/>), or any failure
    /// while the connection is down (a connection dropped in the middle of a call is not always reported as a
    /// connection error): answered 503, never 500.
    /// </summary>
    private bool IsOutage(Exception ex) => IsUnavailable(ex) || !_redis.IsConnected;

    /// <summary>
    /// Whether <paramref name="ex"/> means Redis cannot serve us right now (rather than a bug): no connection, a
    /// timeout, or a server error that says so (out of memory under <c>noeviction</c>, loading, a read-only replica
    /// after a failover, master or cluster down, slot migration, a busy script). <c>EXECABORT</c>: a cluster
    /// discards a connect's snapshot transaction (MULTI/EXEC) while the thread's slot is moving between nodes (a
    /// queued command was redirected); the client retries once the move is done (milliseconds to seconds).
    /// </summary>
    internal static bool IsUnavailable(Exception ex) => ex switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => IsUnavailableServerError(server.Message),
        _ => false,
    };

    // "MOVED"/"ASK" and StackExchange.Redis' "Key has MOVED…"/"Key has ASK…": a slot moving while a command is
    // redirected (the client follows one redirect; a slot moved again in between is a second). Transient, like TRYAGAIN.
    private static readonly string[] UnavailableServerErrors = ["OOM", "LOADING", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "BUSY", "EXECABORT",
        "MOVED", "ASK", "Key has MOVED", "Key has ASK"];

    private static bool IsUnavailableServerError(string message)
    {
        foreach (var code in UnavailableServerErrors)
        {
            // The error itself ("OOM command not allowed…"), or as a script error quotes it ("… -OOM command…").
            if ((message.StartsWith(code, StringComparison.Ordinal) && (message.Length == code.Length || message[code.Length] == ' '))
                || message.Contains(" -" + code + " ", StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Redis is unreachable; refusing the request")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning, Message = "Redis is reachable but did not answer within the client's timeout (its queue is full, or Redis is stalled or overloaded); refusing the request")]
    private static partial void LogTimedOut(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Redis is reachable but refused the command ({Code}); refusing the request")]
    private static partial void LogRefused(ILogger logger, string code, Exception exception);
}
