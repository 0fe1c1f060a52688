using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CopilotAspire.Bench.Servers;

/// <summary>
/// A server under test as a child process on a free loopback port, learnt from its "Now listening on:" line; ready
/// when <c>GET readyPath</c> answers 200 (start-up time = process start to that answer). Memory (VmRSS, VmHWM) and
/// CPU come from <c>/proc/&lt;pid&gt;</c>. Killed by its own pid on dispose.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private string _marker = "";
    private Uri? _address;

    private ServerProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public double StartupMs { get; private set; }

    public int ProcessId => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<ServerProcess> StartAsync(string name, string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string> environment, string? readyPath, CancellationToken cancellationToken,
        string marker = "Now listening on: ", Uri? address = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        var server = new ServerProcess(name, new Process { StartInfo = info, EnableRaisingEvents = true }) { _marker = marker, _address = address };
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        server._process.OutputDataReceived += (_, e) => server.OnLine(e.Data, listening);
        server._process.ErrorDataReceived += (_, e) => server.OnLine(e.Data, null);
        var watch = Stopwatch.StartNew();
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            server.BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            if (readyPath is not null)
            {
                using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
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
            server.StartupMs = watch.Elapsed.TotalMilliseconds;
            return server;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"{name} did not start: {ex.Message}\n{server.Output}", ex);
        }
    }

    private void OnLine(string? line, TaskCompletionSource<Uri>? listening)
    {
        if (line is null)
        {
            listening?.TrySetException(new InvalidOperationException("exited before listening"));
            return;
        }
        lock (_output)
        {
            if (_output.Length < 64 * 1024)
            {
                _output.AppendLine(line);
            }
        }
        var at = line.IndexOf(_marker, StringComparison.Ordinal);
        if (at >= 0 && listening is not null)
        {
            listening.TrySetResult(_address ?? new Uri(line[(at + _marker.Length)..].Trim()));
        }
    }

    /// <summary>Resident memory now (VmRSS), in bytes.</summary>
    public long RssBytes() => ProcStatus(_process.Id, "VmRSS:");

    /// <summary>Peak resident memory since start (VmHWM), in bytes.</summary>
    public long PeakRssBytes() => ProcStatus(_process.Id, "VmHWM:");

    /// <summary>User + system CPU time used so far.</summary>
    public TimeSpan Cpu() => ProcCpu(_process.Id);

    public static TimeSpan ProcCpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields after the command: state is [0], utime is field 14 overall = [11], stime [12]; clock ticks are 1/100 s.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    private static long ProcStatus(int pid, string key)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                var kb = line[key.Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _process.Dispose();
    }
}
