using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.AppHost;

/// <summary>
/// A real terminal: a tmux server on its own socket with one window running an interactive bash, typed into as a user
/// would. Closing it (<see cref="CloseAsync"/>) hangs up the terminal, as closing a terminal tab does.
/// </summary>
public sealed class TmuxTerminal : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    private readonly string _socket = "copilot-test-" + Guid.NewGuid().ToString("N")[..12];

    private TmuxTerminal()
    {
    }

    /// <summary>Opens a 200x50 terminal whose shell starts in <paramref name="workingDirectory"/>.</summary>
    public static async Task<TmuxTerminal> OpenAsync(string workingDirectory, CancellationToken cancellationToken)
    {
        var terminal = new TmuxTerminal();
        await terminal.TmuxAsync(cancellationToken, "-f", "/dev/null", "new-session", "-d", "-x", "200", "-y", "50",
            "-c", workingDirectory, "bash --norc --noprofile -i");
        return terminal;
    }

    /// <summary>Types <paramref name="line"/> and Enter.</summary>
    public async Task TypeAsync(string line, CancellationToken cancellationToken)
    {
        await TmuxAsync(cancellationToken, "send-keys", "-l", line);
        await TmuxAsync(cancellationToken, "send-keys", "Enter");
    }

    /// <summary>Presses a key, e.g. <c>C-c</c> for Ctrl-C.</summary>
    public Task PressAsync(string key, CancellationToken cancellationToken) => TmuxAsync(cancellationToken, "send-keys", key);

    /// <summary>What the terminal shows, with its scroll-back, wrapped lines joined.</summary>
    public Task<string> ScreenAsync(CancellationToken cancellationToken) =>
        TmuxAsync(cancellationToken, "capture-pane", "-p", "-J", "-S", "-2000");

    /// <summary>Polls the screen until it shows <paramref name="text"/>; fails with the screen after <paramref name="timeout"/>.</summary>
    public async Task WaitForTextAsync(string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var screen = "";
        try
        {
            while (!(screen = await ScreenAsync(deadline.Token)).Contains(text, StringComparison.Ordinal))
            {
                await Task.Delay(PollInterval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"The terminal did not show '{text}' within {timeout}. It shows:\n{screen}");
        }
    }

    /// <summary>Closes the terminal: the tmux server ends and the terminal hangs up (SIGHUP to its shell and jobs).</summary>
    public Task CloseAsync(CancellationToken cancellationToken) => TmuxAsync(cancellationToken, "kill-server");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await TmuxAsync(CancellationToken.None, "kill-server");
        }
        catch (InvalidOperationException)
        {
            // Closed already.
        }
    }

    private async Task<string> TmuxAsync(CancellationToken cancellationToken, params string[] args)
    {
        var (exitCode, stdout, stderr) = await ProcessRun.RunAsync("tmux", ["-L", _socket, .. args], null, CommandTimeout, cancellationToken);
        return exitCode == 0 ? stdout : throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed ({exitCode}): {stderr}");
    }
}
