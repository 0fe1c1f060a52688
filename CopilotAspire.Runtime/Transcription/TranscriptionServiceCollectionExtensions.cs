using CopilotAspire.Runtime.Transcription;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the OpenAI-compatible transcription service behind <c>POST {base}/transcribe</c>.</summary>
public static class TranscriptionServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="TranscriptionOptions"/> from <paramref name="transcriptionSection"/> (validated at start) and,
    /// only when its <c>Endpoint</c> is set, registers <see cref="OpenAICompatibleTranscriptionService"/> as the
    /// <see cref="TranscriptionService"/> with a named <see cref="HttpClient"/>
    /// (<see cref="OpenAICompatibleTranscriptionService.HttpClientName"/>) whose base address is the endpoint, so that
    /// service discovery (<c>http://transcriber</c>) and the host's HttpClient defaults apply to it.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="transcriptionSection">The configuration section of <see cref="TranscriptionOptions"/>.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddOpenAICompatibleTranscription(this IServiceCollection services, IConfiguration transcriptionSection)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(transcriptionSection);

        services.AddOptions<TranscriptionOptions>().Bind(transcriptionSection).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TranscriptionOptions>, TranscriptionOptionsValidator>());

        if (string.IsNullOrWhiteSpace(transcriptionSection["Endpoint"]))
        {
            return services;
        }

        // Transcribing can take minutes: the host's default resilience (ServiceDefaults: 10 s attempts, retries) is
        // replaced on this client by one sized to the provider timeout that never re-sends the audio upload.
        var timeout = TimeSpan.FromSeconds(transcriptionSection.GetValue("TimeoutSeconds", new TranscriptionOptions().TimeoutSeconds));
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is the documented way to override the host's default handler.
        services.AddHttpClient(OpenAICompatibleTranscriptionService.HttpClientName)
            .ConfigureHttpClient((provider, http) =>
            {
                var options = provider.GetRequiredService<IOptions<TranscriptionOptions>>().Value;
                http.BaseAddress = new Uri(options.Endpoint!.TrimEnd('/') + "/");
                http.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline below owns the timeouts
            })
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(resilience =>
            {
                resilience.AttemptTimeout.Timeout = timeout;
                resilience.TotalRequestTimeout.Timeout = timeout + TimeSpan.FromSeconds(1);
                resilience.CircuitBreaker.SamplingDuration = timeout * 2;
                resilience.Retry.DisableForUnsafeHttpMethods();
            });
#pragma warning restore EXTEXP0001
        services.TryAddSingleton<TranscriptionService, OpenAICompatibleTranscriptionService>();
        return services;
    }
}
