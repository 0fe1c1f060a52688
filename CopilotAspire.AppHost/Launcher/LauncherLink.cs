using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CopilotAspire.AppHost.Launcher;

/// <summary>
/// Ties the AppHost to its launcher (<see cref="LauncherOptions"/>): stops the app when the launcher's lifeline (standard
/// input) closes, and writes the ready file once the launcher's resources are healthy.
/// </summary>
internal sealed class LauncherLink(
    IOptions<LauncherOptions> options,
    ResourceNotificationService notifications,
    IHostApplicationLifetime lifetime,
    ILogger<LauncherLink> logger) : BackgroundService
{
    private readonly LauncherOptions _options = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(WatchLifelineAsync(stoppingToken), WriteReadyFileAsync(stoppingToken));

    private async Task WatchLifelineAsync(CancellationToken cancellationToken)
    {
        if (!_options.Lifeline)
        {
            return;
        }
        try
        {
            await StandardInputClosedAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        LauncherLog.LauncherEnded(logger);
        lifetime.StopApplication();
    }

    /// <summary>
    /// Completes once standard input reaches end of file (or fails). A blocking read has no cancellation, so it runs on
    /// its own background thread, which does not keep the process alive.
    /// </summary>
    private static Task StandardInputClosedAsync()
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = new Thread(() =>
        {
            try
            {
                using var input = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (input.Read(buffer) > 0)
                {
                    // What the launcher writes is not read: only the end of the stream matters.
                }
            }
            catch (IOException)
            {
                // A failing read means the lifeline is gone, as end of file does.
            }
            closed.TrySetResult();
        })
        {
            IsBackground = true,
            Name = "Launcher lifeline",
        };
        reader.Start();
        return closed.Task;
    }

    private async Task WriteReadyFileAsync(CancellationToken cancellationToken)
    {
        if (_options.ReadyFile is not { } readyFile)
        {
            return;
        }
        string[] resources = _options.ReadyResources is { Length: > 0 } configured ? configured : ["api", "web"];
        try
        {
            foreach (var resource in resources)
            {
                await notifications.WaitForResourceHealthyAsync(resource, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        // Written aside and moved, so the launcher never reads a half-written file.
        var partial = readyFile + ".partial";
        await File.WriteAllTextAsync(partial, $"{Environment.ProcessId}\n", cancellationToken);
        File.Move(partial, readyFile, overwrite: true);
        LauncherLog.Ready(logger, string.Join(", ", resources), readyFile);
    }
}
