using System.Diagnostics;
using System.Reflection;
using CopilotAspire.Tests.Infrastructure;
using CopilotAspire.Tests.Transcription;

namespace CopilotAspire.Tests.AppHost;

/// <summary>
/// <c>eng/run.sh</c> as a user runs it, typed into a real terminal (tmux): however it ends (the terminal closing, Ctrl-C
/// through a pipe, SIGKILL), every process it started ends and the app's ports are free; a second start while one
/// runs refuses before building, naming the port and the process to stop. The app runs on its fixed ports, from the
/// tests' own build (<c>--no-build --configuration</c>), with the machine's redis-server and a generated Whisper model.
/// </summary>
[Kind(TestKind.Aspire)]
[Collection(nameof(FixedPortsCollection))]
public sealed class RunScriptTests : IAsyncDisposable
{
    private const string MarkerName = "COPILOTASPIRE_RUN_TEST";
    private static readonly int[] AppPorts = [5180, 5190, 5200, 15886, 15887, 15888];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(90);
    private static readonly string Configuration =
        typeof(RunScriptTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    private readonly string _marker = $"{MarkerName}={Guid.NewGuid():N}";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "copilot-runsh-" + Guid.NewGuid().ToString("N"));
    private IReadOnlyList<CensusProcess> _started = [];
    private TmuxTerminal? _terminal;

    public RunScriptTests() => Directory.CreateDirectory(_directory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The app's command line: the tests' build, local redis-server, the generated model (no download).</summary>
    private string AppCommand => $"{_marker} Redis__Mode=local eng/run.sh --no-build --configuration {Configuration} " +
        $"--Transcriber:Model={GeneratedWhisperModel.DefaultPath}";

    [Fact(Timeout = 480_000)]
    public async Task Closing_the_terminal_stops_the_app_and_a_second_start_meanwhile_refuses_naming_the_port_holder()
    {
        var runSh = await StartAppAsync(AppCommand);

        // Without --no-build: had it not refused first, it would have said "building".
        var (exitCode, output) = await RunScriptAsync("--configuration", Configuration);
        Assert.True(exitCode == 1, output);
        Assert.Contains("run.sh: port 5180 is in use by pid ", output, StringComparison.Ordinal);
        Assert.Contains($"stop it with: kill {runSh.Pid}", output, StringComparison.Ordinal);
        Assert.Contains("not starting", output, StringComparison.Ordinal);
        Assert.DoesNotContain("building", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Chat:", output, StringComparison.Ordinal);

        await _terminal!.CloseAsync(Ct);
        await AssertAllStoppedAsync(AppPorts);
    }

    [Fact(Timeout = 480_000)]
    public async Task Ctrl_C_with_the_output_piped_into_tee_stops_the_app()
    {
        var log = Path.Combine(_directory, "run.log");
        await StartAppAsync($"{AppCommand} | tee {log}");

        // Ctrl-C reaches run.sh and tee (one job): tee ends first, and run.sh's next write meets a closed pipe.
        await _terminal!.PressAsync("C-c", Ct);
        await AssertAllStoppedAsync(AppPorts);
        Assert.Contains("run.sh: Chat:", await File.ReadAllTextAsync(log, Ct), StringComparison.Ordinal);
    }

    [Fact(Timeout = 480_000)]
    public async Task SIGKILL_of_run_sh_stops_the_app()
    {
        var runSh = await StartAppAsync(AppCommand);

        using (var process = Process.GetProcessById(runSh.Pid))
        {
            process.Kill(); // SIGKILL: no trap runs; only the closed lifeline tells the AppHost.
        }
        await AssertAllStoppedAsync(AppPorts);
    }

    [Fact(Timeout = 300_000)]
    public async Task Api_only_refuses_a_second_start_and_stops_when_the_terminal_closes()
    {
        var terminal = await OpenTerminalAsync();
        await terminal.TypeAsync($"{_marker} eng/run.sh --api-only --no-build --configuration {Configuration}", Ct);
        await terminal.WaitForTextAsync("Now listening on: http://localhost:5180", StartTimeout, Ct);
        _started = ProcessCensus.StartedWith(_marker);
        // run.sh became the Api (exec): the one process holding the port is the one the terminal started.
        var api = Assert.Single(_started);
        Assert.Contains("CopilotAspire.Api.dll", api.CommandLine, StringComparison.Ordinal);

        var (exitCode, output) = await RunScriptAsync("--api-only", "--no-build", "--configuration", Configuration);
        Assert.True(exitCode == 1, output);
        Assert.Contains($"run.sh: port 5180 is in use by pid {api.Pid}", output, StringComparison.Ordinal);
        Assert.Contains($"stop it with: kill {api.Pid}", output, StringComparison.Ordinal);

        await terminal.CloseAsync(Ct);
        await AssertAllStoppedAsync([5180]);
    }

    /// <summary>Records every process the command started (run.sh, the AppHost, DCP, the resources, redis-server); returns run.sh.</summary>
    private CensusProcess TakeCensus()
    {
        _started = ProcessCensus.StartedWith(_marker);
        static bool IsRunSh(CensusProcess p) => p.CommandLine.Contains("eng/run.sh", StringComparison.Ordinal);
        // The script itself, not a subshell it forked for a moment.
        var runSh = Assert.Single(_started, p => IsRunSh(p) && !_started.Any(parent => parent.Pid == p.ParentPid && IsRunSh(parent)));
        var expected = (string[])["CopilotAspire.AppHost", "dcp start-apiserver", "redis-server", "CopilotAspire.Api", "CopilotAspire.Web",
            "CopilotAspire.Transcriber", "Aspire.Dashboard"];
        foreach (var name in expected)
        {
            Assert.True(_started.Any(p => p.CommandLine.Contains(name, StringComparison.Ordinal)),
                $"No '{name}' among the processes run.sh started:\n{string.Join('\n', _started)}");
        }
        return runSh;
    }

    /// <summary>Polls until none of the recorded processes runs and no one listens on <paramref name="ports"/>; fails after <see cref="StopTimeout"/>.</summary>
    private async Task AssertAllStoppedAsync(int[] ports)
    {
        var deadline = Stopwatch.StartNew();
        IReadOnlyList<CensusProcess> running;
        IReadOnlyList<int> listening;
        while ((running = ProcessCensus.StillRunning(_started, _marker)).Count + (listening = ProcessCensus.ListeningPorts(ports)).Count > 0
            && deadline.Elapsed < StopTimeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        }
        Assert.True(running.Count == 0 && listening.Count == 0,
            $"{StopTimeout} after the end: {running.Count} of the {_started.Count} processes run, ports [{string.Join(", ", listening)}] listen:\n" +
            string.Join('\n', running));
        TestContext.Current.TestOutputHelper?.WriteLine($"All {_started.Count} processes gone and ports free {deadline.Elapsed.TotalSeconds:F1} s after the end.");
    }

    /// <summary>Runs <c>eng/run.sh</c> with <paramref name="args"/> outside the terminal; returns its exit code and output.</summary>
    private static async Task<(int ExitCode, string Output)> RunScriptAsync(params string[] args)
    {
        var (exitCode, stdout, stderr) = await ProcessRun.RunAsync("bash", ["eng/run.sh", .. args], NodeClient.RepoRoot(),
            TimeSpan.FromMinutes(2), Ct);
        return (exitCode, stdout + stderr);
    }

    private async Task<TmuxTerminal> OpenTerminalAsync() =>
        _terminal = await TmuxTerminal.OpenAsync(NodeClient.RepoRoot(), Ct);

    /// <summary>Types <paramref name="command"/> into a new terminal and waits for the success lines; returns run.sh.</summary>
    private async Task<CensusProcess> StartAppAsync(string command)
    {
        var terminal = await OpenTerminalAsync();
        await terminal.TypeAsync(command, Ct);
        await terminal.WaitForTextAsync("run.sh: Chat:", StartTimeout, Ct);
        return TakeCensus();
    }

    /// <summary>A failed test leaves nothing running either: what still runs is killed by pid, the terminal closed, the folder removed.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var process in ProcessCensus.StillRunning(_started, _marker))
        {
            try
            {
                using var running = Process.GetProcessById(process.Pid);
                running.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // Ended meanwhile.
            }
        }
        if (_terminal is not null)
        {
            await _terminal.DisposeAsync();
        }
        Directory.Delete(_directory, recursive: true);
    }
}
