using System.Diagnostics;
using System.Text.Json;

namespace CopilotAspire.Tests.Infrastructure;

/// <summary>
/// Runs the official clients from npm against a runtime: <c>clients/official</c> (<c>@ag-ui/client</c> 0.0.59,
/// <c>@copilotkit/core</c>) and <c>clients/official-1.0</c> (<c>@ag-ui/client</c> 1.0.0). Both folders' <c>scenario.mjs</c>
/// run the scenarios of <c>clients/agui-scenario.mjs</c> with their own client; the result names its
/// <c>clientVersion</c> and lists the client's console <c>warnings</c>.
/// </summary>
public static class NodeClient
{
    public static string HarnessDirectory { get; } = Path.Combine(RepoRoot(), "clients", "official");

    /// <summary><c>clients/official-1.0</c>: the AG-UI 1.0 client (<c>@ag-ui/client</c> 1.0.0).</summary>
    public static string Harness10Directory { get; } = Path.Combine(RepoRoot(), "clients", "official-1.0");

    /// <summary>Runs <c>scenario.mjs</c>: <c>@ag-ui/client</c>'s <c>HttpAgent</c> against the REST transport.</summary>
    public static Task<JsonElement> RunScenarioAsync(string scenario, string runtimeUrl, string agentId, string threadId, string? text, CancellationToken cancellationToken) =>
        RunAsync(HarnessDirectory, cancellationToken, ["scenario.mjs", scenario, runtimeUrl, agentId, threadId, .. text is null ? Array.Empty<string>() : [text]]);

    /// <summary>Runs <c>clients/official-1.0/scenario.mjs</c>: the AG-UI 1.0 <c>HttpAgent</c>.</summary>
    public static Task<JsonElement> RunScenario10Async(string scenario, string runtimeUrl, string agentId, string threadId, string? text, CancellationToken cancellationToken) =>
        RunAsync(Harness10Directory, cancellationToken, ["scenario.mjs", scenario, runtimeUrl, agentId, threadId, .. text is null ? Array.Empty<string>() : [text]]);

    /// <summary>Runs <c>copilotkit-core.mjs</c>: <c>@copilotkit/core</c>'s <c>CopilotKitCore</c> with the given transport.</summary>
    public static Task<JsonElement> RunCopilotKitCoreAsync(string scenario, string runtimeUrl, string transport, string agentId, string threadId, string? text, CancellationToken cancellationToken) =>
        RunAsync(HarnessDirectory, cancellationToken, ["copilotkit-core.mjs", scenario, runtimeUrl, transport, agentId, threadId, .. text is null ? Array.Empty<string>() : [text]]);

    /// <summary>Runs <c>threads.mjs</c>: <c>@copilotkit/core</c>'s thread store (what the threads drawer uses) against a runtime.</summary>
    public static Task<JsonElement> RunThreadsAsync(string runtimeUrl, string transport, string agentId, string user, CancellationToken cancellationToken) =>
        RunAsync(HarnessDirectory, cancellationToken, ["threads.mjs", runtimeUrl, transport, agentId, user]);

    private static async Task<JsonElement> RunAsync(string harness, CancellationToken cancellationToken, string[] args)
    {
        if (!Directory.Exists(Path.Combine(harness, "node_modules", "@ag-ui", "client")))
        {
            Assert.Fail($"The node clients are not installed: run `npm ci` in {harness} (the README's test command does).");
        }
        var start = new ProcessStartInfo("node") { WorkingDirectory = harness, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        var (_, stdout, stderr) = await ProcessRun.RunAsync(start, cancellationToken);
        var output = stdout.Trim();
        Assert.True(output.Length > 0, $"node printed nothing; stderr: {stderr}");
        using var doc = JsonDocument.Parse(output.Split('\n')[^1]);
        var result = doc.RootElement.Clone();
        if (!result.GetProperty("ok").GetBoolean())
        {
            throw new NodeClientException($"@ag-ui/client failed: {result.GetProperty("error")}\nstderr: {stderr}");
        }
        return result;
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CopilotAspire.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("CopilotAspire.sln not found above the test binaries.");
    }
}

/// <summary>The official client rejected the run (schema, verifier or HTTP error).</summary>
public sealed class NodeClientException(string message) : Exception(message);
