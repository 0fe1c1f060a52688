using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CopilotAspire.Tests.Infrastructure;

/// <summary>
/// A real <c>CopilotAspire.Api</c> (or other service: <c>assembly</c>) process (the build output next to the tests, run
/// with <c>dotnet</c>) on a free loopback port, learnt from its "Now listening on:" line (<see cref="ChildProcess"/>).
/// Killed on dispose or by <see cref="KillAsync"/>; <see cref="StopAsync"/> asks it to stop (SIGTERM, by its own pid)
/// as a host would.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private ApiProcess(ChildProcess process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Client = UntracedHttpClient.Create(baseAddress);
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public int ProcessId => _process.ProcessId;

    /// <summary>What the process wrote so far (for failure messages).</summary>
    public string Output => _process.Output;

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
        var info = new ProcessStartInfo(executable ?? "dotnet") { WorkingDirectory = directory };
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
        var (process, url) = await ChildProcess.StartListeningAsync(info, TimeSpan.FromSeconds(90), cancellationToken);
        return new ApiProcess(process, url);
    }

    /// <summary>Completes once the process has written a line containing <paramref name="marker"/> (already or later).</summary>
    public Task WaitForOutputAsync(string marker, CancellationToken cancellationToken) =>
        WaitForOutputAsync(line => line.Contains(marker, StringComparison.Ordinal), cancellationToken);

    /// <summary>Completes once the process has written a line matching <paramref name="match"/> (already or later).</summary>
    public Task WaitForOutputAsync(Func<string, bool> match, CancellationToken cancellationToken) =>
        _process.WaitForLineAsync(match, Timeout.InfiniteTimeSpan, cancellationToken);

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
    public void Terminate() => _process.Terminate();

    /// <summary>Waits for the process to exit by itself and returns its exit code.</summary>
    public Task<int> WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Kills the process at once (a crash, as far as the rest of the system can tell).</summary>
    public Task KillAsync() => _process.KillAsync();

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
        Client.Dispose();
        await _process.DisposeAsync();
    }
}
