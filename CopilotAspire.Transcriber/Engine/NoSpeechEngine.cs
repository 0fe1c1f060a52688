using Microsoft.Extensions.AI;

namespace CopilotAspire.Transcriber.Engine;

/// <summary>
/// The engine of a Transcriber built without Whisper.net (the package feed did not have it): it never becomes
/// ready, so /health reports Unhealthy and every transcription is answered 503 with <see cref="Reason"/>.
/// </summary>
public sealed class NoSpeechEngine : ISpeechToTextClient
{
    public const string Reason =
        "This Transcriber was built without a speech engine: Whisper.net could not be restored when it was built. " +
        "Rebuild it where the NuGet gallery is reachable (run eng/optional-packages.sh --force first).";

    private readonly SpeechEngineStatus _status = new(SpeechEngineState.Failed, Reason);

    public Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new SpeechEngineUnavailableException(Reason);

    public IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new SpeechEngineUnavailableException(Reason);

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(SpeechEngineStatus) ? _status
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}
