using System.Net;
using CopilotAspire.Tests.Hosting;
using CopilotAspire.Tests.Infrastructure;
using CopilotAspire.Tests.Transcription;
using CopilotAspire.Transcriber.Hosting;

namespace CopilotAspire.Tests.AppHost;

/// <summary>
/// Each published service run the way the manifest describes it (its environment from <c>--publisher manifest</c>, in
/// Production, nothing switched on for health), answering the probe paths the AppHost declares: liveness
/// (<c>/alive</c>) stays up through a Redis outage, a missing model and a drain; readiness (<c>/health</c>) follows
/// them, and says only <c>Healthy</c> or <c>Unhealthy</c>.
/// </summary>
[Kind(TestKind.Aspire)]
public sealed class PublishedProbeTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "copilot-probes-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What a container of the published app gets that the manifest does not say: Production, as ASP.NET Core's default.</summary>
    private static readonly Dictionary<string, string> AsDeployed = new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_ENVIRONMENT"] = "Production",
    };

    [Fact(Timeout = 300_000)]
    public async Task Published_services_answer_their_probes_in_Production_and_readiness_follows_Redis_the_model_and_the_drain()
    {
        var resources = await PublishedManifest.PublishAsync(_directory, Ct);

        // The Transcriber: alive without its model, ready once the model is loaded. (No download here: a local model.)
        var transcriberEnvironment = PublishedManifest.Environment(resources["transcriber"]!, new Dictionary<string, string?>());
        await using (var noModel = await StartAsync("CopilotAspire.Transcriber", transcriberEnvironment, new()
        {
            ["Whisper__ModelPath"] = Path.Combine(_directory, "missing-model.bin"),
            ["Whisper__AutoDownload"] = "false",
        }))
        {
            await noModel.WaitForOutputAsync("The speech model failed to load", Ct);
            await AssertProbesAsync(noModel, alive: true, ready: false);
        }
        await using var transcriber = await StartAsync("CopilotAspire.Transcriber", transcriberEnvironment, new()
        {
            ["Whisper__ModelPath"] = GeneratedWhisperModel.DefaultPath,
            ["Whisper__AutoDownload"] = "false",
        });
        // Whisper:Threads is unset in the manifest: the default from the cores this process may use.
        await transcriber.WaitForOutputAsync($"; {WhisperOptions.DefaultThreads(Environment.ProcessorCount)} threads per transcription)", Ct);
        await AssertProbesAsync(transcriber, alive: true, ready: true);

        // The Api, with the Redis runner on a local redis-server in place of the Redis container.
        var api = await StartAsync("CopilotAspire.Api", PublishedManifest.Environment(resources["api"]!, new Dictionary<string, string?>
        {
            ["redis.connectionString"] = redis.ConnectionString,
            ["redis.bindings.tcp.host"] = "127.0.0.1",
            ["redis.bindings.tcp.port"] = redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["redis.bindings.tcp.scheme"] = "redis",
            ["redis-password.value"] = "",
            ["redis-password-uri-encoded.value"] = "",
            ["transcriber.bindings.http.url"] = transcriber.BaseAddress.ToString().TrimEnd('/'),
            ["openai-api-key.value"] = "unused",
            ["api.bindings.http.targetPort"] = null,
        }));
        await using var apiLifetime = api;
        await AssertProbesAsync(api, alive: true, ready: true);

        // The web host, in front of that Api.
        await using (var web = await StartAsync("CopilotAspire.Web", PublishedManifest.Environment(resources["web"]!, new Dictionary<string, string?>
        {
            ["api.bindings.http.url"] = api.BaseAddress.ToString().TrimEnd('/'),
            ["web.bindings.http.targetPort"] = null,
        })))
        {
            await AssertProbesAsync(web, alive: true, ready: true);
        }

        // Redis down: not ready (no traffic sent to it), still alive (not restarted); ready again once Redis is back.
        await redis.StopAsync();
        try
        {
            await AssertProbesAsync(api, alive: true, ready: false);
        }
        finally
        {
            await redis.StartAsync();
        }
        await api.UntilReadyAsync(Ct);

        // A drain (SIGTERM with a run in progress): not ready at once, alive until it exits.
        var run = await ApiStreams.OpenAsync(api, "/run", ApiStreams.Body("probe-drain-" + Guid.NewGuid().ToString("N")[..8], "r1", "tokens:100000 delay:50"), Ct);
        await run.ReadUntilAsync(f => f.Type == "TEXT_MESSAGE_CONTENT");
        api.Terminate();
        await api.WaitForOutputAsync("Draining:", Ct);
        await AssertProbesAsync(api, alive: true, ready: false);
        Assert.Equal("RUN_ERROR", (await run.ReadToEndAsync())[^1].Type);
        await run.DisposeAsync();
        Assert.Equal(0, await api.WaitForExitAsync(Ct));
    }

    private static Task<ApiProcess> StartAsync(string assembly, Dictionary<string, string> manifestEnvironment, Dictionary<string, string>? overrides = null)
    {
        var environment = new Dictionary<string, string>(manifestEnvironment);
        foreach (var (key, value) in AsDeployed.Concat(overrides ?? []))
        {
            environment[key] = value;
        }
        return ApiProcess.StartAsync(environment, Ct, assembly);
    }

    private static async Task AssertProbesAsync(ApiProcess service, bool alive, bool ready)
    {
        // The paths the AppHost declares and infra/*.tmpl.yaml deploy (InfraTemplateTests holds the templates to them).
        foreach (var (path, up) in new[] { (Aspire.Hosting.DeploymentExtensions.LivenessPath, alive), (Aspire.Hosting.DeploymentExtensions.ReadinessPath, ready) })
        {
            using var response = await service.Client.GetAsync(path, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == (up ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable), $"{path}: {(int)response.StatusCode} {body}\n{service.Output}");
            Assert.Equal(up ? "Healthy" : "Unhealthy", body); // no check names, descriptions or exceptions
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
