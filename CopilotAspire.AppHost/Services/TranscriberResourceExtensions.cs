using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>The Transcriber (Whisper.net speech-to-text service) as a resource.</summary>
public static class TranscriberResourceExtensions
{
    /// <summary>The Transcriber's model: a ggml file path, or a whisper.cpp model name downloaded on first start. Default <c>base</c>.</summary>
    public const string ModelKey = "Transcriber:Model";

    /// <summary>Where the published container keeps downloaded models (a volume); the image's user is <c>app</c>.</summary>
    public const string ContainerModelDirectory = "/home/app/.local/share/CopilotAspire/whisper-models";

    /// <summary>
    /// Run mode: the Transcriber project on its <c>http</c> launch profile (port 5190), healthy once the model is loaded.
    /// Publish mode: the image built from <c>CopilotAspire.Transcriber/Dockerfile</c>, internal ingress, models on a volume.
    /// </summary>
    public static IResourceBuilder<IResourceWithEndpoints> AddTranscriber(this IDistributedApplicationBuilder builder, string name)
    {
        var model = builder.Configuration[ModelKey] is { Length: > 0 } configured ? configured : "base";
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddDockerfile(name, "..", "CopilotAspire.Transcriber/Dockerfile")
                .WithHttpEndpoint(targetPort: 8080, name: "http")
                .WithVolume("whisper-models", ContainerModelDirectory)
                .WithServiceProbes()
                .WithModel(model);
        }
        return builder.AddProject<Projects.CopilotAspire_Transcriber>(name, "http")
            .WithServiceProbes()
            .WithModel(model);
    }

    private static IResourceBuilder<T> WithModel<T>(this IResourceBuilder<T> builder, string model)
        where T : IResourceWithEndpoints, IResourceWithEnvironment
    {
        var isPath = model.EndsWith(".bin", StringComparison.OrdinalIgnoreCase) || model.Contains('/') || model.Contains('\\');
        return isPath
            ? builder.WithEnvironment("Whisper__ModelPath", Path.GetFullPath(model))
            : builder.WithEnvironment("Whisper__Model", model).WithEnvironment("Whisper__AutoDownload", "true");
    }
}
