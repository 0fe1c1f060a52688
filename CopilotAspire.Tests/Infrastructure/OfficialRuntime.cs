namespace CopilotAspire.Tests.Infrastructure;

/// <summary>
/// The official runtime (<c>@copilotkit/runtime</c> 1.75.0, <c>bench/official/server.mjs</c>) as a Node process on a
/// free loopback port: its <c>scripted</c> agent, and its BuiltInAgent <c>default</c> on the model at
/// <paramref name="openAiBaseUrl"/>. Its routes are under <see cref="BasePath"/>.
/// </summary>
public static class OfficialRuntime
{
    public const string BasePath = "/api/copilotkit";

    public static string Directory { get; } = Path.Combine(NodeClient.RepoRoot(), "bench", "official");

    public static Task<ApiProcess> StartAsync(string openAiBaseUrl, CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "@copilotkit", "runtime")))
        {
            Assert.Fail($"The official runtime is not installed: run `npm ci` in {Directory}.");
        }
        var environment = new Dictionary<string, string>
        {
            ["PORT"] = "0",
            ["OPENAI_BASE_URL"] = openAiBaseUrl,
            ["OPENAI_API_KEY"] = "test-key",
            ["COPILOTKIT_TELEMETRY_DISABLED"] = "true",
        };
        return ApiProcess.StartAsync(environment, cancellationToken, executable: "node", arguments: ["server.mjs"], workingDirectory: Directory);
    }

    /// <summary>The URL of an agent's run route (what an <c>HttpAgent</c> POSTs to).</summary>
    public static string RunUrl(ApiProcess runtime, string agentId) => new Uri(runtime.BaseAddress, $"{BasePath}/agent/{agentId}/run").ToString();
}
