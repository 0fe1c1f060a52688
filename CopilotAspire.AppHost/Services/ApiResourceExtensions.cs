using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>The Api's settings from the AppHost's configuration: its replica count, extra variables and model keys.</summary>
public static class ApiResourceExtensions
{
    /// <summary>How many Api processes run behind DCP's proxy. Default <see cref="DefaultReplicas"/>.</summary>
    public const string ReplicasKey = "Api:Replicas";

    /// <summary>The Api's replicas unless configured: also the deployed Api's minimum (<c>infra/api.tmpl.yaml</c>).</summary>
    public const int DefaultReplicas = 2;

    /// <summary>A section whose entries become the Api's environment variables (e.g. <c>Api:Environment:OPENAI_BASE_URL</c>).</summary>
    public const string EnvironmentSection = "Api:Environment";

    /// <summary>Model keys: optional secret parameters (<c>Parameters:&lt;name&gt;</c>) and the variable each one sets.</summary>
    public static readonly IReadOnlyDictionary<string, string> ModelKeys = new Dictionary<string, string>
    {
        ["openai-api-key"] = "OPENAI_API_KEY",
        ["anthropic-api-key"] = "ANTHROPIC_API_KEY",
        ["google-api-key"] = "GOOGLE_GENERATIVE_AI_API_KEY",
        ["azure-openai-api-key"] = "AZURE_OPENAI_API_KEY",
    };

    /// <summary><see cref="ReplicasKey"/>, 1 to 16 (default 2); anything else stops the AppHost with the key's name.</summary>
    public static int ApiReplicas(this IDistributedApplicationBuilder builder)
    {
        var replicas = builder.Configuration.GetValue(ReplicasKey, DefaultReplicas);
        if (replicas is < 1 or > 16)
        {
            throw new DistributedApplicationException($"{ReplicasKey} is {replicas}; expected 1 to 16.");
        }
        return replicas;
    }

    /// <summary>
    /// Run mode: the dashboard shows a span per Redis command (the runner leaves them off elsewhere: they cost memory under load).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRedisCommandSpans(this IResourceBuilder<ProjectResource> api) =>
        api.ApplicationBuilder.ExecutionContext.IsRunMode
            ? api.WithEnvironment("Aspire__StackExchange__Redis__DisableTracing", "false")
            : api;

    /// <summary>Each entry of <see cref="EnvironmentSection"/> becomes one of the resource's environment variables.</summary>
    public static IResourceBuilder<ProjectResource> WithConfiguredEnvironment(this IResourceBuilder<ProjectResource> api)
    {
        foreach (var setting in api.ApplicationBuilder.Configuration.GetSection(EnvironmentSection).GetChildren())
        {
            api.WithEnvironment(setting.Key, setting.Value);
        }
        return api;
    }

    /// <summary>
    /// Each model key configured as <c>Parameters:&lt;name&gt;</c> (user-secrets, or <c>Parameters__&lt;name&gt;</c>) becomes a secret
    /// parameter passed to the Api. Unset keys are left out, so the app starts and <c>default</c> reports the missing key in its
    /// run; publish mode always declares <c>openai-api-key</c> (azd asks for it).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithModelKeys(this IResourceBuilder<ProjectResource> api)
    {
        var builder = api.ApplicationBuilder;
        foreach (var (parameter, variable) in ModelKeys)
        {
            var configured = !string.IsNullOrEmpty(builder.Configuration[$"Parameters:{parameter}"]);
            if (configured || (builder.ExecutionContext.IsPublishMode && parameter == "openai-api-key"))
            {
                api.WithEnvironment(variable, builder.AddParameter(parameter, secret: true));
            }
        }
        return api;
    }
}
