using CopilotAspire.Runtime.Transcription;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Tests.Transcription;

/// <summary>
/// A minimal host of the runtime (<c>AddCopilotRuntime</c> + <c>MapCopilotRuntime</c>) on a loopback Kestrel port, with
/// the transcription service under test: REST at <c>/api/copilotkit/transcribe</c>, single route at
/// <c>/api/copilotkit-single</c>.
/// </summary>
public sealed class RuntimeTranscribeHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RuntimeTranscribeHost(WebApplication app, HttpClient http)
    {
        _app = app;
        Http = http;
    }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="service">The service to use, or <see langword="null"/> for none (unless <paramref name="transcription"/> configures one).</param>
    /// <param name="transcription">Settings of <c>CopilotRuntime:Transcription</c>, bound by <c>AddOpenAICompatibleTranscription</c>.</param>
    public static async Task<RuntimeTranscribeHost> StartAsync(TranscriptionService? service, IDictionary<string, string?>? transcription = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(
            (transcription ?? new Dictionary<string, string?>()).Select(kv => KeyValuePair.Create("CopilotRuntime:Transcription:" + kv.Key, kv.Value)));
        var runtime = builder.AddCopilotRuntime();
        builder.Services.AddOpenAICompatibleTranscription(builder.Configuration.GetSection("CopilotRuntime:Transcription"));
        if (service is not null)
        {
            runtime.WithTranscriptionService(service);
        }

        var app = builder.Build();
        app.MapCopilotRuntime();
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RuntimeTranscribeHost(app, new HttpClient { BaseAddress = new Uri(address + "/") });
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}

/// <summary>Records what the handler passed and answers with a fixed text, or throws what it is told to.</summary>
public sealed class RecordingTranscriptionService(string text = "hello from audio") : TranscriptionService
{
    public Exception? Throw { get; set; }

    public TranscribeFileOptions? Last { get; private set; }

    public byte[]? LastAudio { get; private set; }

    public override async Task<string> TranscribeFileAsync(TranscribeFileOptions options, CancellationToken cancellationToken)
    {
        Last = options;
        using var copy = new MemoryStream();
        await options.Audio.CopyToAsync(copy, cancellationToken);
        LastAudio = copy.ToArray();
        if (Throw is { } ex)
        {
            throw ex;
        }
        return text;
    }
}
