using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Tests.Infrastructure;

/// <summary>One log entry as the runtime wrote it.</summary>
public sealed record LogRecord(LogLevel Level, string Category, EventId EventId, string Message, Exception? Exception);

/// <summary>Records every log entry with its level and event id, and lets a test await an entry instead of sleeping.</summary>
public sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<LogRecord> _records = new();
    private readonly List<(Func<LogRecord, bool> Match, TaskCompletionSource<LogRecord> Seen)> _waiters = [];

    public IReadOnlyCollection<LogRecord> Records => _records;

    /// <summary>Entries at <paramref name="level"/> or above.</summary>
    public List<LogRecord> AtLeast(LogLevel level) => [.. _records.Where(r => r.Level >= level)];

    /// <summary>Completes with the first entry (already written or to come) that matches.</summary>
    public Task<LogRecord> WaitForAsync(Func<LogRecord, bool> match)
    {
        var seen = new TaskCompletionSource<LogRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            _waiters.Add((match, seen));
        }
        if (_records.FirstOrDefault(match) is { } existing)
        {
            seen.TrySetResult(existing);
        }
        return seen.Task;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(LogRecord record)
    {
        _records.Enqueue(record);
        lock (_waiters)
        {
            foreach (var (match, seen) in _waiters.Where(w => w.Match(record)))
            {
                seen.TrySetResult(record);
            }
        }
    }

    private sealed class Logger(LogRecorder recorder, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            recorder.Add(new LogRecord(logLevel, category, eventId, formatter(state, exception), exception));
    }
}
