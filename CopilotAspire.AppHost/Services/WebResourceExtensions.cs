namespace Aspire.Hosting;

/// <summary>The chat front end (CopilotAspire.Web) as a resource.</summary>
public static class WebResourceExtensions
{
    /// <summary>
    /// The Web host on its <c>http</c> launch profile (http://localhost:5200), public, started once the Api is healthy.
    /// <c>WithReference(api)</c> gives it <c>services__api__http__0</c>, which its YARP proxy resolves by service discovery,
    /// so the page's runtime calls reach the Api's replicas through one origin.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddCopilotWeb(this IDistributedApplicationBuilder builder, string name,
        IResourceBuilder<ProjectResource> api) =>
        builder.AddProject<Projects.CopilotAspire_Web>(name, "http")
            .WithoutPublishedHttpsEndpoint()
            .WithExternalHttpEndpoints()
            .WithServiceProbes()
            .WithReference(api)
            .WaitFor(api);
}
