// Probe annotations are marked "for evaluation" in Aspire 13.6 (ASPIREPROBES001); they are what its deployment
// publishers (Azure Container Apps environment, Kubernetes, Docker Compose) turn into probes.
#pragma warning disable ASPIREPROBES001

namespace Aspire.Hosting;

/// <summary>What a deployed (published) service declares beyond its run-mode shape: its probes and only the endpoints it serves.</summary>
public static class DeploymentExtensions
{
    /// <summary>The readiness probe's path: every health check (the Api's Redis and drain, the Transcriber's model).</summary>
    public const string ReadinessPath = "/health";

    /// <summary>The liveness probe's path: only the checks tagged <c>live</c> (the process answers), never a dependency.</summary>
    public const string LivenessPath = "/alive";

    /// <summary>Liveness: every 10 s, 5 s to answer, restarted after 3 failures in a row.</summary>
    public static readonly ProbeTiming Liveness = new(PeriodSeconds: 10, TimeoutSeconds: 5, FailureThreshold: 3);

    /// <summary>Readiness: every 5 s, 5 s to answer, out of rotation after 2 failures in a row.</summary>
    public static readonly ProbeTiming Readiness = new(PeriodSeconds: 5, TimeoutSeconds: 5, FailureThreshold: 2);

    /// <summary>
    /// Run mode: healthy when <see cref="ReadinessPath"/> answers 200 (what <c>WaitFor</c> and the dashboard use). Publish
    /// mode: a liveness probe on <see cref="LivenessPath"/> and a readiness probe on <see cref="ReadinessPath"/>, both on the
    /// <c>http</c> endpoint (the services map both paths in every environment: ServiceDefaults). The manifest has no field
    /// for them: azd deploys them from <c>infra/&lt;service&gt;.tmpl.yaml</c>, which must say the same (a test compares).
    /// </summary>
    public static IResourceBuilder<T> WithServiceProbes<T>(this IResourceBuilder<T> builder) where T : IResourceWithEndpoints, IResourceWithProbes =>
        builder.ApplicationBuilder.ExecutionContext.IsPublishMode
            ? builder
                .WithHttpProbe(ProbeType.Liveness, LivenessPath, periodSeconds: Liveness.PeriodSeconds, timeoutSeconds: Liveness.TimeoutSeconds,
                    failureThreshold: Liveness.FailureThreshold, endpointName: "http")
                .WithHttpProbe(ProbeType.Readiness, ReadinessPath, periodSeconds: Readiness.PeriodSeconds, timeoutSeconds: Readiness.TimeoutSeconds,
                    failureThreshold: Readiness.FailureThreshold, endpointName: "http")
            : builder.WithHttpHealthCheck(ReadinessPath);

    /// <summary>
    /// Publish mode: removes the <c>https</c> endpoint Aspire gives every project there (the services listen on plain
    /// http inside the platform, which terminates TLS at its ingress), so the manifest has one binding per port we serve.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithoutPublishedHttpsEndpoint(this IResourceBuilder<ProjectResource> builder)
    {
        if (builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            foreach (var https in builder.Resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.Name == "https").ToList())
            {
                builder.Resource.Annotations.Remove(https);
            }
        }
        return builder;
    }
}
