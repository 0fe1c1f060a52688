using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.AppHost;

/// <summary>
/// The built AppHost run as a process (same configuration as the tests), as azd runs it: <c>--publisher manifest</c>;
/// and a published resource's environment with its references (<c>{redis.connectionString}</c>, …) replaced by local values.
/// </summary>
public static partial class PublishedManifest
{
    /// <summary>Runs the AppHost with <paramref name="args"/> in Production and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAppHostAsync(string[] args, string workingDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(workingDirectory);
        var configuration = typeof(PublishedManifest).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var appHostDirectory = Path.Combine(NodeClient.RepoRoot(), "CopilotAspire.AppHost");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = appHostDirectory };
        start.ArgumentList.Add(Path.Combine(appHostDirectory, "bin", configuration, "net10.0", "CopilotAspire.AppHost.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var (exitCode, stdout, stderr) = await ProcessRun.RunAsync(start, cancellationToken);
        return (exitCode, stdout + stderr);
    }

    /// <summary>Publishes the manifest into <paramref name="directory"/> (as <c>azd up</c> does) and returns its resources.</summary>
    public static async Task<JsonObject> PublishAsync(string directory, CancellationToken cancellationToken, params string[] settings)
    {
        var manifestPath = Path.Combine(directory, "aspire-manifest.json");
        var (exitCode, output) = await RunAppHostAsync(
            ["--publisher", "manifest", "--output-path", manifestPath, "--Parameters:openai-api-key=unused", .. settings], directory, cancellationToken);
        Assert.True(exitCode == 0, output);
        return JsonNode.Parse(await File.ReadAllTextAsync(manifestPath, cancellationToken))!["resources"]!.AsObject();
    }

    /// <summary>
    /// The resource's <c>env</c> with each <c>{reference}</c> replaced by <paramref name="references"/>' value; a variable
    /// whose value is null there is left out (the platform's own, e.g. <c>HTTP_PORTS</c>: tests listen on a loopback
    /// port instead). A reference not in <paramref name="references"/> fails, so a new one in the manifest is seen here.
    /// </summary>
    public static Dictionary<string, string> Environment(JsonNode resource, IReadOnlyDictionary<string, string?> references)
    {
        var environment = new Dictionary<string, string>();
        foreach (var (name, value) in resource["env"]!.AsObject())
        {
            var text = (string)value!;
            var omit = false;
            var resolved = Reference().Replace(text, match =>
            {
                Assert.True(references.TryGetValue(match.Groups[1].Value, out var local),
                    $"The manifest's {name} refers to {match.Value}, which this test does not know: give it a local value.");
                omit |= local is null;
                return local ?? "";
            });
            if (!omit)
            {
                environment[name] = resolved;
            }
        }
        return environment;
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_.-]+)\}")]
    private static partial Regex Reference();
}
