using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>The Api (the CopilotKit runtime) as a replicated resource.</summary>
public static class ApiResourceExtensions
{
    /// <summary>How many Api processes run behind DCP's proxy. Default 2.</summary>
    public const string ReplicasKey = "Api:Replicas";

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

    /// <summary>
    /// The Api on its <c>http</c> launch profile (port 5180, DCP's proxy in front of the replicas), public, with the
    /// Redis runner on <paramref name="redis"/> and transcription through <paramref name="transcriber"/> at
    /// <c>http://transcriber/v1</c> by service discovery (not waited for: <c>/transcribe</c> answers 503 until its model is loaded).
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddCopilotApi(this IDistributedApplicationBuilder builder, string name,
        IResourceBuilder<IResourceWithConnectionString> redis, IResourceBuilder<IResourceWithEndpoints> transcriber)
    {
        var replicas = builder.Configuration.GetValue(ReplicasKey, 2);
        if (replicas is < 1 or > 16)
        {
            throw new DistributedApplicationException($"{ReplicasKey} is {replicas}; expected 1 to 16.");
        }
        var api = builder.AddProject<Projects.CopilotAspire_Api>(name, "http")
            .WithoutPublishedHttpsEndpoint()
            .WithReplicas(replicas)
            .WithExternalHttpEndpoints()
            .WithServiceProbes()
            .WithRedis(redis)
            .WithEnvironment("CopilotRuntime__Runner", "Redis")
            .WithReference(transcriber.GetEndpoint("http"))
            .WithEnvironment("CopilotRuntime__Transcription__Endpoint", $"http://{transcriber.Resource.Name}/v1");
        if (builder.ExecutionContext.IsRunMode)
        {
            // The dashboard shows a span per Redis command (the runner leaves them off elsewhere: they cost memory under load).
            api.WithEnvironment("Aspire__StackExchange__Redis__DisableTracing", "false");
        }
        foreach (var setting in builder.Configuration.GetSection(EnvironmentSection).GetChildren())
        {
            api.WithEnvironment(setting.Key, setting.Value);
        }
        return api.WithModelKeys(builder);
    }

    /// <summary>
    /// Each model key configured as <c>Parameters:&lt;name&gt;</c> (user-secrets, or <c>Parameters__&lt;name&gt;</c>) becomes a secret
    /// parameter passed to the Api. Unset keys are left out, so the app starts and <c>default</c> reports the missing key in its
    /// run; publish mode always declares <c>openai-api-key</c> (azd asks for it).
    /// </summary>
    private static IResourceBuilder<ProjectResource> WithModelKeys(this IResourceBuilder<ProjectResource> api, IDistributedApplicationBuilder builder)
    {
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
