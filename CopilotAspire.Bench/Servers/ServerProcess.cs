using System.Diagnostics;
using CopilotAspire.Testing;

namespace CopilotAspire.Bench.Servers;

/// <summary>
/// A server under test as a child process (<see cref="ChildProcess"/>) on a free loopback port, learnt from its
/// "Now listening on:" line; ready when <c>GET readyPath</c> answers 200 (start-up time = process start to that
/// answer). Memory (VmRSS, VmHWM) and CPU come from <c>/proc/&lt;pid&gt;</c>. Killed by its own pid on dispose.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private ServerProcess(string name, ChildProcess process, Uri baseAddress, double startupMs)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
        StartupMs = startupMs;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public double StartupMs { get; }

    public int ProcessId => _process.ProcessId;

    public string Output => _process.Output;

    public static async Task<ServerProcess> StartAsync(string name, string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string> environment, string? readyPath, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        var watch = Stopwatch.StartNew();
        var (process, address) = await ChildProcess.StartListeningAsync(info, TimeSpan.FromSeconds(60), cancellationToken);
        try
        {
            if (readyPath is not null)
            {
                using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
                while (true)
                {
                    using var response = await http.GetAsync(readyPath, cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                    if (watch.Elapsed > TimeSpan.FromSeconds(60))
                    {
                        throw new InvalidOperationException($"{name}: {readyPath} answered {(int)response.StatusCode}");
                    }
                    await Task.Delay(5, cancellationToken);
                }
            }
            return new ServerProcess(name, process, address, watch.Elapsed.TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await process.DisposeAsync();
            throw new InvalidOperationException($"{name} did not start: {ex.Message}\n{process.Output}", ex);
        }
    }

    /// <summary>Resident memory now (VmRSS), in bytes.</summary>
    public long RssBytes() => _process.RssBytes();

    /// <summary>Peak resident memory since start (VmHWM), in bytes.</summary>
    public long PeakRssBytes() => _process.PeakRssBytes();

    /// <summary>User + system CPU time used so far.</summary>
    public TimeSpan Cpu() => _process.Cpu();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
