using System.Text.Json.Nodes;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.AppHost;

/// <summary>
/// The AppHost as azd runs it (<c>--publisher manifest</c>, what <c>azd up</c> deploys), and its start-up checks of the
/// Redis setting: the built AppHost run as a process.
/// </summary>
[Kind(TestKind.Aspire)]
public sealed class AppHostProcessTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "copilot-manifest-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task The_manifest_has_the_durable_Redis_container_a_public_Api_an_internal_Transcriber_image_exactly_their_bindings_and_no_executable()
    {
        // Redis:Mode=local is ignored in publish mode: the deployed app always gets the Redis container.
        var resources = await PublishedManifest.PublishAsync(_directory, Ct, "--Redis:Mode=local");

        Assert.DoesNotContain(resources, r => ((string?)r.Value!["type"])?.StartsWith("executable", StringComparison.Ordinal) == true);

        var redis = resources["redis"]!;
        Assert.Equal("container.v0", (string?)redis["type"]);
        Assert.StartsWith("docker.io/library/redis:", (string?)redis["image"], StringComparison.Ordinal);
        // Durable: its /data on a named volume, snapshots (WithDataVolume) and the append-only file, in the one command line.
        Assert.Equal("""[{"name":"redis-data","target":"/data","readOnly":false}]""", redis["volumes"]!.ToJsonString());
        Assert.Equal("""["-c","redis-server --requirepass $REDIS_PASSWORD --save 60 1 --appendonly yes"]""", redis["args"]!.ToJsonString());
        Assert.Equal("""{"tcp":{"scheme":"redis","protocol":"tcp","transport":"tcp","targetPort":6379}}""", redis["bindings"]!.ToJsonString());

        // Exactly the bindings the services serve: plain http (the platform's ingress terminates TLS), no https.
        const string PublicHttp = """{"http":{"scheme":"http","protocol":"tcp","transport":"http","external":true}}""";
        var api = resources["api"]!;
        Assert.Equal("project.v0", (string?)api["type"]);
        Assert.Equal(PublicHttp, api["bindings"]!.ToJsonString());
        var env = api["env"]!;
        Assert.Equal("{redis.connectionString}", (string?)env["ConnectionStrings__redis"]);
        Assert.Equal("Redis", (string?)env["CopilotRuntime__Runner"]);
        Assert.Equal("{transcriber.bindings.http.url}", (string?)env["services__transcriber__http__0"]);
        Assert.Equal("http://transcriber/v1", (string?)env["CopilotRuntime__Transcription__Endpoint"]);
        Assert.Equal("{openai-api-key.value}", (string?)env["OPENAI_API_KEY"]);
        Assert.Equal(true, (bool?)resources["openai-api-key"]!["inputs"]!["value"]!["secret"]);
        Assert.DoesNotContain(env.AsObject(), e => e.Key.StartsWith("HealthChecks", StringComparison.Ordinal)); // probes need no switch

        var web = resources["web"]!;
        Assert.Equal("project.v0", (string?)web["type"]);
        Assert.Equal(PublicHttp, web["bindings"]!.ToJsonString());
        Assert.Equal("{api.bindings.http.url}", (string?)web["env"]!["services__api__http__0"]);
        Assert.DoesNotContain(web["env"]!.AsObject(), e => e.Key.Contains("HTTPS", StringComparison.OrdinalIgnoreCase));

        var transcriber = resources["transcriber"]!;
        Assert.StartsWith("container.", (string?)transcriber["type"], StringComparison.Ordinal);
        var dockerfile = Path.GetFullPath((string)transcriber["build"]!["dockerfile"]!, _directory);
        Assert.Equal(Path.Combine(NodeClient.RepoRoot(), "CopilotAspire.Transcriber", "Dockerfile"), dockerfile);
        Assert.True(File.Exists(dockerfile));
        Assert.Equal("""{"http":{"scheme":"http","protocol":"tcp","transport":"http","targetPort":8080}}""", transcriber["bindings"]!.ToJsonString());
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

    private Task<(int ExitCode, string Output)> RunAppHostAsync(string[] args) => PublishedManifest.RunAppHostAsync(args, _directory, Ct);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
