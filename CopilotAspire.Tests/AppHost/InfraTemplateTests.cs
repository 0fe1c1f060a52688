using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CopilotAspire.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace CopilotAspire.Tests.AppHost;

/// <summary>
/// The committed <c>CopilotAspire.AppHost/infra/&lt;service&gt;.tmpl.yaml</c> (what azd deploys each container app from,
/// in place of the template it would generate from the manifest) in step with the published manifest: a template for
/// every service, the same image, arguments, environment variable names (secrets as secret references), target port
/// and external flag, volumes; and the probes the AppHost declares (which the manifest cannot carry) on the paths the
/// services map (<see cref="PublishedProbeTests"/> calls those paths on the services run as published).
/// </summary>
[Kind(TestKind.Process)]
public sealed partial class InfraTemplateTests : IDisposable
{
    private static readonly string[] ServiceTypes = ["project.v0", "project.v1", "container.v0", "container.v1", "dockerfile.v0"];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "copilot-infra-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task Every_service_of_the_manifest_has_a_template_that_matches_it_and_carries_the_probes()
    {
        var resources = await PublishedManifest.PublishAsync(_directory, Ct);
        var infra = Path.Combine(NodeClient.RepoRoot(), "CopilotAspire.AppHost", "infra");
        var services = resources.Where(r => ServiceTypes.Contains((string?)r.Value!["type"])).Select(r => r.Key).ToList();
        Assert.Equal(["api", "redis", "transcriber", "web"], services.Order(StringComparer.Ordinal));
        Assert.Equal(
            services.Select(s => s + ".tmpl.yaml").Order(StringComparer.Ordinal),
            Directory.GetFiles(infra, "*.tmpl.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var name in services)
        {
            var check = new TemplateCheck(name, resources, Load(Path.Combine(infra, name + ".tmpl.yaml")));
            check.Run();
        }
    }

    [Fact]
    public void A_manifest_change_fails_with_what_to_do()
    {
        // The api's manifest with a variable the template does not have, as when Aspire or the AppHost adds one.
        var manifest = new JsonObject
        {
            ["api"] = new JsonObject
            {
                ["type"] = "project.v0",
                ["env"] = new JsonObject { ["NEW_SETTING"] = "1" },
                ["bindings"] = new JsonObject { ["http"] = new JsonObject { ["scheme"] = "http", ["transport"] = "http", ["external"] = true } },
            },
        };
        var template = Load(Path.Combine(NodeClient.RepoRoot(), "CopilotAspire.AppHost", "infra", "api.tmpl.yaml"));
        var failure = Assert.ThrowsAny<Exception>(() => new TemplateCheck("api", manifest, template).Run());
        Assert.Contains("NEW_SETTING", failure.Message, StringComparison.Ordinal);
        Assert.Contains("re-run azd infra synth / update infra/api.tmpl.yaml", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>The template as YAML: each Go template action <c>{{ x }}</c> (filled in by azd at deploy time) becomes <c>T{x}</c>.</summary>
    private static YamlMappingNode Load(string path)
    {
        var text = Action().Replace(File.ReadAllText(path), m => "T{" + m.Groups[1].Value.Trim() + "}");
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    [GeneratedRegex(@"\{\{(.*?)\}\}")]
    private static partial Regex Action();

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
