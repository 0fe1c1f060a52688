using System.Text.Json.Nodes;
using CopilotAspire.Bench;
using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Hosting;

/// <summary>
/// The Api published as production runs it and as the benchmark measures it: NativeAOT (eng/publish-api.sh), no JIT
/// and no reflection the compiler could not see. Published once per run, into a temporary folder; the tests run the
/// executable itself.
/// </summary>
[Kind(TestKind.Process)]
[Collection(nameof(NativeAotPublishCollection))]
public sealed class NativeAotPublishTests(NativeAotPublish publish)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_native_executable_serves_both_agents_on_both_runners_and_replays_them()
    {
        var options = CopilotAspire.Tests.Bench.BenchmarkQuickTests.SmallMatrix(publish.Executable) with { Ceiling = false };
        var log = new StringWriter();
        var runner = new BenchRunner(options, log);

        await runner.RunAsync(Ct);

        Assert.True(runner.Failures.Count == 0, log.ToString());
        var ours = runner.Loads.Where(l => l.Server is ServerKind.Ours or ServerKind.OursRedis).ToList();
        Assert.Equal(3, ours.Count); // scripted in memory and with Redis, default (the fake OpenAI server) in memory
        Assert.All(ours, l => Assert.True(l.Result.Runs > 0 && l.Result.Failures == 0, log.ToString()));
        Assert.All(runner.Replays.Where(r => r.Server != ServerKind.Official), r => Assert.Equal(101, r.Events));
    }

    [Fact]
    public async Task Configuration_binds_in_the_native_executable()
    {
        await using var api = await ApiProcess.StartAsync(new Dictionary<string, string>
        {
            ["CopilotRuntime__Agents__helper__Model"] = "openai/gpt-4o-mini",
            ["CopilotRuntime__Agents__helper__Description"] = "Bound from configuration",
            ["CopilotRuntime__InMemory__MaxEventsPerRun"] = "16",
            ["OPENAI_API_KEY"] = "unused",
        }, Ct, executable: publish.Executable);

        var info = JsonNode.Parse(await api.Client.GetStringAsync(new Uri(api.BaseAddress, "api/copilotkit/info"), Ct))!;
        Assert.Equal("Bound from configuration", (string?)info["agents"]!["helper"]!["description"]);

        using var run = await api.PostAsync("/api/copilotkit/agent/scripted/run", RunBodies.Input("t-aot", "r1", "tokens:50"), Ct);
        var events = (await Sse.ReadAllAsync(run, Ct)).Events();
        Assert.Equal("RUN_ERROR", (string?)events[^1]["type"]);
        Assert.Equal("EVENT_LIMIT_EXCEEDED", (string?)events[^1]["code"]);
    }

    [Fact]
    public async Task A_setting_out_of_range_stops_the_native_executable_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ApiProcess.StartAsync(new Dictionary<string, string> { ["CopilotRuntime__MaxJsonDepth"] = "4" }, Ct, executable: publish.Executable));
        Assert.Contains("MaxJsonDepth", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>Runs alone: publishing NativeAOT takes both cores for a minute or two.</summary>
[CollectionDefinition(nameof(NativeAotPublishCollection), DisableParallelization = true)]
public sealed class NativeAotPublishCollection : ICollectionFixture<NativeAotPublish>;

/// <summary>eng/publish-api.sh into a temporary folder, once; deleted at the end.</summary>
public sealed class NativeAotPublish : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "copilotaspire-aot-" + Guid.NewGuid().ToString("N"));

    public string Executable => Path.Combine(_folder, "CopilotAspire.Api");

    public async ValueTask InitializeAsync()
    {
        var (exitCode, output, errors) = await ProcessRun.RunAsync("bash", ["eng/publish-api.sh", _folder], NodeClient.RepoRoot(),
            TimeSpan.FromMinutes(15), CancellationToken.None);
        if (exitCode != 0 || !File.Exists(Executable))
        {
            throw new InvalidOperationException($"eng/publish-api.sh failed ({exitCode}):\n{output}\n{errors}");
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
        return ValueTask.CompletedTask;
    }
}
