using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Tests.Infrastructure;

/// <summary>
/// Keeps every log entry (level, formatted message with its exception) so tests can check what is and is not logged,
/// at every level (its own filter rule lets Debug through whatever the host's configuration says).
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<LogEntry> _entries = new();
    private readonly List<(Func<LogEntry, bool> Match, TaskCompletionSource Seen)> _waiters = [];

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public IEnumerable<string> Lines => _entries.Select(e => e.ToString());

    /// <summary>Registers this provider on <paramref name="services"/>, seeing every level.</summary>
    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton<ILoggerProvider>(this);
        services.Configure<LoggerFilterOptions>(o => o.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace));
    }

    /// <summary>Completes when an entry matching <paramref name="match"/> has been logged (also before this call).</summary>
    public Task WaitForAsync(Func<LogEntry, bool> match, CancellationToken cancellationToken)
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

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
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

    private sealed class Logger(string category, CapturingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Add(new LogEntry(logLevel, category, formatter(state, exception), exception));
    }
}

public sealed record LogEntry(LogLevel Level, string Category, string Message, Exception? Exception)
{
    public override string ToString() => $"{Category}: {Message} {Exception}";
}
