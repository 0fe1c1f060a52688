using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace CopilotAspire.Testing;

/// <summary>
/// A process a test, the benchmark or the soak tool starts: both outputs captured line by line (for failure messages
/// and for waiting on a line), stopped only by its own pid: <see cref="Terminate"/> sends SIGTERM as a host would,
/// <see cref="KillAsync"/> and dispose kill it (with its children when it has any). Memory and CPU from
/// <c>/proc/&lt;pid&gt;</c>.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    /// <summary>The line ASP.NET Core (and our Node servers) print once they listen, followed by the URL.</summary>
    public const string ListeningMarker = "Now listening on: ";

    private const int SigTerm = 15;
    private const int MaxOutputChars = 4 * 1024 * 1024;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];
    private readonly TaskCompletionSource _outputEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<string>? _onStdout;
    private readonly Action<string>? _onStderr;
    private int _openOutputs = 2;

    private ChildProcess(Process process, Action<string>? onStdout, Action<string>? onStderr)
    {
        _process = process;
        _onStdout = onStdout;
        _onStderr = onStderr;
    }

    /// <summary>The executable's file name (for messages).</summary>
    public string Name => Path.GetFileName(_process.StartInfo.FileName);

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What the process wrote so far on stdout and stderr, line by line (the first 4 MiB).</summary>
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

    /// <summary>Starts <paramref name="start"/> with both outputs redirected.</summary>
    /// <param name="onStdout">Called with every stdout line (e.g. to echo or parse it).</param>
    /// <param name="onStderr">Called with every stderr line.</param>
    public static ChildProcess Start(ProcessStartInfo start, Action<string>? onStdout = null, Action<string>? onStderr = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var child = new ChildProcess(new Process { StartInfo = start, EnableRaisingEvents = true }, onStdout, onStderr);
        child._process.OutputDataReceived += (_, e) => child.OnLine(e.Data, child._onStdout);
        child._process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, child._onStderr);
        child._process.Start();
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Starts <paramref name="start"/> and waits for its <see cref="ListeningMarker"/> line: returns the process and
    /// the URL it printed. If it exits first or does not listen within <paramref name="timeout"/>, it is killed and
    /// the exception carries everything it wrote.
    /// </summary>
    public static async Task<(ChildProcess Process, Uri Url)> StartListeningAsync(ProcessStartInfo start, TimeSpan timeout,
        CancellationToken cancellationToken, Action<string>? onStdout = null, Action<string>? onStderr = null)
    {
        var child = Start(start, onStdout, onStderr);
        try
        {
            var line = await child.WaitForLineAsync(l => l.Contains(ListeningMarker, StringComparison.Ordinal), timeout, cancellationToken);
            return (child, new Uri(line[(line.IndexOf(ListeningMarker, StringComparison.Ordinal) + ListeningMarker.Length)..].Trim()));
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The first line (already written or to come) that matches; fails with the whole output if the process ends its
    /// output first, or after <paramref name="timeout"/>.
    /// </summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            var earlier = _output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(match);
            if (earlier is not null)
            {
                return earlier;
            }
            _waiters.Add((match, seen));
        }
        try
        {
            _ = _outputEnded.Task.ContinueWith(async _ =>
            {
                // What it wrote to stderr last (a start-up refusal) may come after stdout's end: report all of it.
                await _process.WaitForExitAsync(CancellationToken.None);
                seen.TrySetException(new InvalidOperationException($"{Name} (pid {ProcessId}) exited with {_process.ExitCode} before the expected line:\n{Output}"));
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return await seen.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} (pid {ProcessId}) did not write the expected line within {timeout.TotalSeconds:0} s:\n{Output}");
        }
        finally
        {
            lock (_output)
            {
                _waiters.RemoveAll(w => w.Seen == seen);
            }
        }
    }

    private void OnLine(string? line, Action<string>? callback)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref _openOutputs) == 0)
            {
                _outputEnded.TrySetResult();
            }
            return;
        }
        lock (_output)
        {
            if (_output.Length < MaxOutputChars)
            {
                _output.AppendLine(line);
            }
            foreach (var (match, seen) in _waiters)
            {
                if (match(line))
                {
                    seen.TrySetResult(line);
                }
            }
        }
        callback?.Invoke(line);
    }

    /// <summary>Sends SIGTERM to the process itself, by its pid (what Ctrl-C, <c>docker stop</c> or a rolling deploy does).</summary>
    public void Terminate()
    {
        if (!_process.HasExited && Kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Waits for the process to exit by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    /// <summary>Kills the process (and, with <paramref name="entireProcessTree"/>, its descendants, each by its pid) and waits for it.</summary>
    public async Task KillAsync(bool entireProcessTree = true)
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree);
            }
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started, or already reaped.
        }
    }

    /// <summary>Resident memory now (VmRSS), in bytes.</summary>
    public long RssBytes() => ProcStatus("VmRSS:");

    /// <summary>Peak resident memory since start (VmHWM), in bytes.</summary>
    public long PeakRssBytes() => ProcStatus("VmHWM:");

    /// <summary>User + system CPU time used so far.</summary>
    public TimeSpan Cpu() => ProcessCpu(_process.Id);

    /// <summary>User + system CPU time process <paramref name="pid"/> has used so far (<c>/proc/&lt;pid&gt;/stat</c>).</summary>
    public static TimeSpan ProcessCpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields after the command: state is [0], utime is field 14 overall = [11], stime [12]; clock ticks are 1/100 s.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    private long ProcStatus(string key)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
