using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Tests.Infrastructure;

/// <summary>One log entry as the app wrote it.</summary>
public sealed record LogRecord(LogLevel Level, string Category, string Message, Exception? Exception);

/// <summary>
/// Records every log entry with its level, at every level, and lets a test await an entry instead of sleeping.
/// (Same shape as branch voice's <c>CapturingLoggerProvider</c>; one of the two can go once both are merged.)
/// </summary>
public sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<LogRecord> _entries = new();
    private readonly List<(Func<LogRecord, bool> Match, TaskCompletionSource Seen)> _waiters = [];

    public IReadOnlyCollection<LogRecord> Entries => _entries;

    /// <summary>Registers this provider on <paramref name="services"/>, seeing every level whatever the configuration says.</summary>
    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton<ILoggerProvider>(this);
        services.Configure<LoggerFilterOptions>(o => o.AddFilter<LogRecorder>(null, LogLevel.Trace));
    }

    /// <summary>Completes when an entry matching <paramref name="match"/> has been logged (also before this call).</summary>
    public Task WaitForAsync(Func<LogRecord, bool> match, CancellationToken cancellationToken)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            _waiters.Add((match, seen));
        }
        if (_entries.Any(match))
        {
            seen.TrySetResult();
        }
        return seen.Task.WaitAsync(cancellationToken);
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(LogRecord entry)
    {
        _entries.Enqueue(entry);
        lock (_waiters)
        {
            foreach (var (match, seen) in _waiters.Where(w => w.Match(entry)))
            {
                seen.TrySetResult();
            }
        }
    }

    private sealed class Logger(LogRecorder recorder, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            recorder.Add(new LogRecord(logLevel, category, formatter(state, exception), exception));
    }
}
