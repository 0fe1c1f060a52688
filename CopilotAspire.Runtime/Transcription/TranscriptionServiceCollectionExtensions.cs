using CopilotAspire.Runtime.Transcription;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class TranscriptionServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="TranscriptionOptions"/> from <paramref name="transcriptionSection"/> (validated at start) and,
    /// only when its <c>Endpoint</c> is set, registers <see cref="OpenAICompatibleTranscriptionService"/> as the
    /// <see cref="TranscriptionService"/> with a named <see cref="HttpClient"/>
    /// (<see cref="OpenAICompatibleTranscriptionService.HttpClientName"/>) whose base address is the endpoint, so that
    /// service discovery (<c>http://transcriber</c>) and the host's HttpClient defaults apply to it.
    /// </summary>
    public static IServiceCollection AddOpenAICompatibleTranscription(this IServiceCollection services, IConfiguration transcriptionSection)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(transcriptionSection);

        services.AddOptions<TranscriptionOptions>().Bind(transcriptionSection).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TranscriptionOptions>, TranscriptionOptionsValidator>());
        services.AddOptions<TranscriptionLimits>().Configure<IOptions<TranscriptionOptions>>((limits, options) => limits.MaxBytes = options.Value.MaxBytes);

        if (string.IsNullOrWhiteSpace(transcriptionSection["Endpoint"]))
        {
            return services;
        }

        services.AddHttpClient(OpenAICompatibleTranscriptionService.HttpClientName)
            .ConfigureHttpClient((provider, http) =>
            {
                var options = provider.GetRequiredService<IOptions<TranscriptionOptions>>().Value;
                http.BaseAddress = new Uri(options.Endpoint!.TrimEnd('/') + "/");
                http.Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
            });
        services.TryAddSingleton<TranscriptionService, OpenAICompatibleTranscriptionService>();
        return services;
    }
}
