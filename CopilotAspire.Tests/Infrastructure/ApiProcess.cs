using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;

namespace CopilotAspire.Tests.Infrastructure;

/// <summary>
/// A real <c>CopilotAspire.Api</c> (or other service: <c>assembly</c>) process (the build output next to the tests, run
/// with <c>dotnet</c>) on a free loopback port, learnt from its "Now listening on:" line. Killed on dispose or by
/// <see cref="KillAsync"/>; <see cref="StopAsync"/> asks it to stop (SIGTERM, by its own pid) as a host would.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> _waiters = [];

    private ApiProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public int ProcessId => _process.Id;

    /// <summary>What the process wrote so far (for failure messages).</summary>
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

    /// <param name="executable">A native executable to run instead (the NativeAOT publish), itself, not with <c>dotnet</c>.</param>
    /// <param name="arguments">The executable's arguments (e.g. node's script).</param>
    /// <param name="workingDirectory">Where the executable runs (default: its own folder).</param>
    public static async Task<ApiProcess> StartAsync(IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken,
        string assembly = "CopilotAspire.Api", string? executable = null, IReadOnlyList<string>? arguments = null, string? workingDirectory = null)
    {
        var directory = workingDirectory ?? (executable is null ? AppContext.BaseDirectory : Path.GetDirectoryName(Path.GetFullPath(executable))!);
        var dll = Path.Combine(directory, assembly + ".dll");
        if (executable is null && !File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: the test project must reference CopilotAspire.Api.");
        }
        var info = new ProcessStartInfo(executable ?? "dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (executable is null)
        {
            info.ArgumentList.Add(dll);
        }
        foreach (var argument in arguments ?? [])
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var api = new ApiProcess(new Process { StartInfo = info, EnableRaisingEvents = true });
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                // Its output ended: once it has exited and both outputs are read to their end (what it wrote to
                // stderr last, a start-up refusal, may come after stdout's end), the start failed with all of it.
                _ = api._process.WaitForExitAsync().ContinueWith(
                    _ => listening.TrySetException(new InvalidOperationException("The Api exited before listening:\n" + api.Output)),
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                return;
            }
            api.Append(line);
            const string Marker = "Now listening on: ";
            var at = line.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                listening.TrySetResult(new Uri(line[(at + Marker.Length)..].Trim()));
            }
        }
        api._process.OutputDataReceived += (_, e) => OnLine(e.Data);
        api._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                api.Append(e.Data);
            }
        };
        api._process.Start();
        api._process.BeginOutputReadLine();
        api._process.BeginErrorReadLine();
        try
        {
            api.BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(90), cancellationToken);
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
        api.Client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        return api;
    }

    private void Append(string line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
            foreach (var (match, seen) in _waiters)
            {
                if (match(line))
                {
                    seen.TrySetResult();
                }
            }
        }
    }

    /// <summary>Completes once the process has written a line containing <paramref name="marker"/> (already or later).</summary>
    public Task WaitForOutputAsync(string marker, CancellationToken cancellationToken) =>
        WaitForOutputAsync(line => line.Contains(marker, StringComparison.Ordinal), cancellationToken);

    /// <summary>Completes once the process has written a line matching <paramref name="match"/> (already or later).</summary>
    public Task WaitForOutputAsync(Func<string, bool> match, CancellationToken cancellationToken)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            if (_output.ToString().Split('\n').Any(line => match(line.TrimEnd('\r'))))
            {
                return Task.CompletedTask;
            }
            _waiters.Add((match, seen));
        }
        return seen.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Completes once <c>/health</c> (readiness) answers 200, asking every 100 ms for up to 60 s: how a platform learns
    /// that the service recovered by itself (the Redis runner reconnecting), which the process does not announce.
    /// </summary>
    public async Task UntilReadyAsync(CancellationToken cancellationToken)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(60));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (true)
        {
            using (var health = await Client.GetAsync("/health", patience.Token))
            {
                if (health.StatusCode == System.Net.HttpStatusCode.OK)
                {
                    return;
                }
            }
            await timer.WaitForNextTickAsync(patience.Token);
        }
    }

    /// <summary>Sends SIGTERM to the process (its own pid) and returns its exit code once it has exited.</summary>
    public async Task<int> StopAsync(CancellationToken cancellationToken)
    {
        Terminate();
        return await WaitForExitAsync(cancellationToken);
    }

    /// <summary>Sends SIGTERM to the process itself (what Ctrl-C, <c>docker stop</c> or a rolling deploy does).</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, SigTerm) != 0)
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

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>Kills the process at once (a crash, as far as the rest of the system can tell).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
    }

    /// <summary>POSTs <paramref name="body"/> and returns the response as soon as its headers arrive (SSE streams stay open).</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, JsonNode? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = body is null ? new StringContent("", Encoding.UTF8, "application/json") : JsonContent.Create(body),
        };
        return await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _process.Dispose();
    }
}

/// <summary>Reading an SSE response frame by frame (data frames only; keep-alive comments skipped), with <see cref="Sse"/>'s parser.</summary>
public static class SseStreams
{
    public static async IAsyncEnumerable<SseFrame> ReadFramesAsync(this HttpResponseMessage response, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var frame in Sse.ReadFramesAsync(stream, cancellationToken))
        {
            if (frame.Data is not null)
            {
                yield return frame;
            }
        }
    }

    public static async Task<List<SseFrame>> ReadUntilAsync(this IAsyncEnumerator<SseFrame> frames, Func<SseFrame, bool> until)
    {
        var read = new List<SseFrame>();
        while (await frames.MoveNextAsync())
        {
            read.Add(frames.Current);
            if (until(frames.Current))
            {
                return read;
            }
        }
        throw new InvalidOperationException("The stream ended before the expected frame. Got: " + string.Join(", ", read.Select(f => f.Type)));
    }

    public static async Task<List<SseFrame>> ReadToEndAsync(this IAsyncEnumerator<SseFrame> frames)
    {
        var read = new List<SseFrame>();
        while (await frames.MoveNextAsync())
        {
            read.Add(frames.Current);
        }
        return read;
    }
}
