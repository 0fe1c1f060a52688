using System.Globalization;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using YamlDotNet.RepresentationModel;

namespace CopilotAspire.Tests.AppHost;

/// <summary>
/// One service's <c>infra/&lt;name&gt;.tmpl.yaml</c> against its manifest resource, by azd's rules for turning a manifest
/// resource into a container app (its <c>containerApp.tmpl.yaml</c>): every failure names the file and says to re-run
/// <c>azd infra synth</c> or update it.
/// </summary>
public sealed class TemplateCheck(string name, JsonObject resources, YamlMappingNode template)
{
    private readonly JsonNode _resource = resources[name]!;

    public void Run()
    {
        var configuration = Map(Map(template, "properties"), "configuration");
        var container = (YamlMappingNode)Sequence(Map(Map(template, "properties"), "template"), "containers").Single();
        Same("the container's name", name, Scalar(container, "name"));
        Same("the image", "T{.Image}", Scalar(container, "image"));
        Same("tags.azd-service-name", name, Scalar(Map(template, "tags"), "azd-service-name"));

        // Arguments: the manifest's, in order.
        var args = (_resource["args"]?.AsArray() ?? []).Select(a => (string)a!).ToList();
        var templateArgs = container.Children.ContainsKey("args") ? Sequence(container, "args").Select(a => ((YamlScalarNode)a).Value!).ToList() : [];
        Same("the arguments", string.Join(" | ", args), string.Join(" | ", templateArgs));
        var command = container.Children.ContainsKey("command") ? string.Join(" ", Sequence(container, "command").Select(c => ((YamlScalarNode)c).Value)) : "";
        Same("the entrypoint (command)", (string?)_resource["entrypoint"] ?? "", command);

        // Environment: the manifest's variables (plus azd's AZURE_CLIENT_ID); a connection string or a secret
        // parameter is a secret reference, anything else a value; a literal value is the manifest's.
        var env = Sequence(container, "env").Cast<YamlMappingNode>().ToDictionary(e => Scalar(e, "name"));
        var manifestEnv = _resource["env"]?.AsObject().ToDictionary(e => e.Key, e => (string)e.Value!) ?? [];
        Same("the environment variables", string.Join(", ", manifestEnv.Keys.Append("AZURE_CLIENT_ID").Order(StringComparer.Ordinal)),
            string.Join(", ", env.Keys.Order(StringComparer.Ordinal)));
        var secrets = configuration.Children.ContainsKey("secrets")
            ? Sequence(configuration, "secrets").Cast<YamlMappingNode>().Select(s => Scalar(s, "name")).ToHashSet() : [];
        foreach (var (variable, value) in manifestEnv)
        {
            var secret = variable.Contains("ConnectionStrings__", StringComparison.Ordinal) || value.Contains(".connectionString}", StringComparison.Ordinal)
                || IsSecretParameterIn(value);
            if (secret)
            {
                var reference = variable.ToLowerInvariant().Replace('_', '-');
                Same($"{variable} (a secret)", reference, env[variable].Children.ContainsKey("secretRef") ? Scalar(env[variable], "secretRef") : "a plain value");
                Assert.True(secrets.Contains(reference), Fail($"{variable}'s secret {reference} is not in configuration.secrets"));
            }
            else if (!value.Contains('{', StringComparison.Ordinal))
            {
                Same(variable, value, env[variable].Children.ContainsKey("value") ? Scalar(env[variable], "value") : "a secret reference");
            }
        }

        // Ingress: the one binding's target port (azd fills a project's in at deploy time), transport, external.
        var binding = Assert.Single(_resource["bindings"]!.AsObject()).Value!;
        var ingress = Map(configuration, "ingress");
        var targetPort = binding["targetPort"] is { } port ? ((int)port).ToString(CultureInfo.InvariantCulture) : "T{targetPortOrDefault 8080}";
        Same("ingress.targetPort", targetPort, Scalar(ingress, "targetPort"));
        Same("ingress.transport", (string)binding["transport"]! == "tcp" ? "tcp" : "http", Scalar(ingress, "transport"));
        Same("ingress.external", ((bool?)binding["external"] ?? false) ? "true" : "false", Scalar(ingress, "external"));

        // Volumes: one Azure Files share per manifest volume, mounted where the manifest says.
        var volumes = (_resource["volumes"]?.AsArray() ?? []).Select(v => $"{name.ToLowerInvariant()}-{((string)v!["name"]!).Replace(".", "", StringComparison.Ordinal).ToLowerInvariant()} at {(string)v["target"]!}");
        var mounts = container.Children.ContainsKey("volumeMounts")
            ? Sequence(container, "volumeMounts").Cast<YamlMappingNode>().Select(m => $"{Scalar(m, "volumeName")} at {Scalar(m, "mountPath")}") : [];
        Same("the volumes", string.Join(", ", volumes), string.Join(", ", mounts));

        // Probes: HTTP services get the AppHost's liveness and readiness probes on the ingress' target port.
        if ((string)binding["scheme"]! == "http")
        {
            var probes = Sequence(container, "probes").Cast<YamlMappingNode>().ToDictionary(p => Scalar(p, "type"));
            Same("the probes", "Liveness, Readiness", string.Join(", ", probes.Keys.Order(StringComparer.Ordinal)));
            foreach (var (type, path, timing) in new[] { ("Liveness", DeploymentExtensions.LivenessPath, DeploymentExtensions.Liveness), ("Readiness", DeploymentExtensions.ReadinessPath, DeploymentExtensions.Readiness) })
            {
                var probe = probes[type];
                Same($"the {type} probe's path", path, Scalar(Map(probe, "httpGet"), "path"));
                Same($"the {type} probe's port", targetPort, Scalar(Map(probe, "httpGet"), "port"));
                Same($"the {type} probe's timing", timing.ToString(),
                    new ProbeTiming(int.Parse(Scalar(probe, "periodSeconds"), CultureInfo.InvariantCulture),
                        int.Parse(Scalar(probe, "timeoutSeconds"), CultureInfo.InvariantCulture),
                        int.Parse(Scalar(probe, "failureThreshold"), CultureInfo.InvariantCulture)).ToString());
            }
        }

        // Scale: the Api keeps at least the replicas it runs with locally; every other service one.
        var minReplicas = name == "api" ? ApiResourceExtensions.DefaultReplicas : 1;
        Same("scale.minReplicas", minReplicas.ToString(CultureInfo.InvariantCulture), Scalar(Map(Map(Map(template, "properties"), "template"), "scale"), "minReplicas"));
    }

    /// <summary>
    /// A <c>{p.value}</c> of a <c>parameter.v0</c> marked secret, or of an <c>annotated.string</c> made of one (the
    /// URI-encoded password in <c>REDIS_URI</c>: azd would write that one as a plain value; ours keeps it a secret).
    /// </summary>
    private bool IsSecretParameterIn(string value) =>
        resources.Any(r => value.Contains("{" + r.Key + ".value}", StringComparison.Ordinal) && (string?)r.Value!["type"] switch
        {
            "parameter.v0" => (bool?)r.Value["inputs"]?["value"]?["secret"] == true,
            "annotated.string" => IsSecretParameterIn((string)r.Value["value"]!),
            _ => false,
        });

    private void Same(string what, string expected, string actual) =>
        Assert.True(expected == actual, Fail($"{what}: the manifest says '{expected}', the template '{actual}'"));

    private string Fail(string detail) =>
        $"infra/{name}.tmpl.yaml is out of step with the manifest: {detail}. The manifest changed (Aspire or the AppHost): "
        + $"re-run azd infra synth / update infra/{name}.tmpl.yaml (keep its probes and scale; docs/deploy.md).";

    private YamlMappingNode Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var child) && child is YamlMappingNode map ? map : throw new Xunit.Sdk.XunitException(Fail($"no '{key}' mapping"));

    private YamlSequenceNode Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var child) && child is YamlSequenceNode list ? list : throw new Xunit.Sdk.XunitException(Fail($"no '{key}' list"));

    private string Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var child) && child is YamlScalarNode scalar ? scalar.Value ?? "" : throw new Xunit.Sdk.XunitException(Fail($"no '{key}' value"));
}
