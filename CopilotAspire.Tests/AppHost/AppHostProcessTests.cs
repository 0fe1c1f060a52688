using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.AppHost;

/// <summary>
/// The AppHost as azd runs it (<c>--publisher manifest</c>, what <c>azd up</c> deploys), and its start-up checks of the
/// Redis setting: the built AppHost run as a process.
/// </summary>
public sealed class AppHostProcessTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "copilot-manifest-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task The_manifest_has_the_Redis_container_a_public_Api_an_internal_Transcriber_image_and_no_executable()
    {
        var manifestPath = Path.Combine(_directory, "aspire-manifest.json");
        // Redis:Mode=local is ignored in publish mode: the deployed app always gets the Redis container.
        var (exitCode, output) = await RunAppHostAsync(["--publisher", "manifest", "--output-path", manifestPath, "--Redis:Mode=local", "--Parameters:openai-api-key=unused"]);
        Assert.True(exitCode == 0, output);
        var resources = JsonNode.Parse(await File.ReadAllTextAsync(manifestPath, Ct))!["resources"]!.AsObject();

        Assert.DoesNotContain(resources, r => ((string?)r.Value!["type"])?.StartsWith("executable", StringComparison.Ordinal) == true);

        var redis = resources["redis"]!;
        Assert.Equal("container.v0", (string?)redis["type"]);
        Assert.StartsWith("docker.io/library/redis:", (string?)redis["image"], StringComparison.Ordinal);

        var api = resources["api"]!;
        Assert.Equal("project.v0", (string?)api["type"]);
        Assert.Equal(true, (bool?)api["bindings"]!["http"]!["external"]);
        var env = api["env"]!;
        Assert.Equal("{redis.connectionString}", (string?)env["ConnectionStrings__redis"]);
        Assert.Equal("Redis", (string?)env["CopilotRuntime__Runner"]);
        Assert.Equal("{transcriber.bindings.http.url}", (string?)env["services__transcriber__http__0"]);
        Assert.Equal("http://transcriber/v1", (string?)env["CopilotRuntime__Transcription__Endpoint"]);
        Assert.Equal("{openai-api-key.value}", (string?)env["OPENAI_API_KEY"]);
        Assert.Equal(true, (bool?)resources["openai-api-key"]!["inputs"]!["value"]!["secret"]);

        var web = resources["web"]!;
        Assert.Equal("project.v0", (string?)web["type"]);
        Assert.Equal(true, (bool?)web["bindings"]!["http"]!["external"]);
        Assert.Equal("{api.bindings.http.url}", (string?)web["env"]!["services__api__http__0"]);

        var transcriber = resources["transcriber"]!;
        Assert.StartsWith("container.", (string?)transcriber["type"], StringComparison.Ordinal);
        var dockerfile = Path.GetFullPath((string)transcriber["build"]!["dockerfile"]!, _directory);
        Assert.Equal(Path.Combine(NodeClient.RepoRoot(), "CopilotAspire.Transcriber", "Dockerfile"), dockerfile);
        Assert.True(File.Exists(dockerfile));
        Assert.NotEqual(true, (bool?)transcriber["bindings"]!["http"]!["external"]);
        Assert.Contains(transcriber["volumes"]!.AsArray(), v => (string?)v!["target"] == "/home/app/.local/share/CopilotAspire/whisper-models");
    }

    [Theory(Timeout = 60_000)]
    [InlineData("'auto'", "--Redis:Mode=sqlite")]
    [InlineData("ConnectionStrings:redis is not set", "--Redis:Mode=connection-string")]
    [InlineData("was not found", "--Redis:Mode=local", "--Redis:ServerCommand=/nonexistent/redis-server")]
    public async Task A_bad_Redis_setting_stops_the_AppHost_at_start_saying_what_to_do(string expected, params string[] settings)
    {
        var (exitCode, output) = await RunAppHostAsync(settings);
        Assert.NotEqual(0, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_bad_Launcher_setting_stops_the_AppHost_at_start_naming_it()
    {
        var (exitCode, output) = await RunAppHostAsync(["--Redis:Mode=local", "--Launcher:Lifeline=true", "--Launcher:ReadyFile=relative/ready"]);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Launcher:ReadyFile is 'relative/ready'; expected an absolute path.", output, StringComparison.Ordinal);
    }

    /// <summary>Runs the built AppHost (same configuration as the tests) and returns its exit code and output.</summary>
    private async Task<(int ExitCode, string Output)> RunAppHostAsync(string[] args)
    {
        Directory.CreateDirectory(_directory);
        var configuration = typeof(AppHostProcessTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var appHostDirectory = Path.Combine(NodeClient.RepoRoot(), "CopilotAspire.AppHost");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = appHostDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(appHostDirectory, "bin", configuration, "net10.0", "CopilotAspire.AppHost.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        try
        {
            await process.WaitForExitAsync(Ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
