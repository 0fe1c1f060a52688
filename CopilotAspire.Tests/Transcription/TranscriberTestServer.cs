using CopilotAspire.Tests.Infrastructure;
using CopilotAspire.Transcriber.Engine.Whisper;
using CopilotAspire.Transcriber.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CopilotAspire.Tests.Transcription;

/// <summary>
/// The real Transcriber (its Program, configuration and middleware) on a loopback Kestrel port, with the speech
/// engine swapped through DI. <see cref="TranscriberOptions"/> only names the Transcriber's assembly.
/// </summary>
public sealed class TranscriberTestServer : WebApplicationFactory<TranscriberOptions>
{
    private readonly ISpeechToTextClient? _engine;
    private readonly Dictionary<string, string?> _settings;
    private readonly CapturingLoggerProvider? _logs;

    public TranscriberTestServer(ISpeechToTextClient? engine, IDictionary<string, string?>? settings = null, CapturingLoggerProvider? logs = null)
    {
        _engine = engine;
        _logs = logs;
        _settings = new(settings ?? new Dictionary<string, string?>())
        {
            // No test may download a model.
            ["Whisper:AutoDownload"] = settings?.TryGetValue("Whisper:AutoDownload", out var d) == true ? d : "false",
            // One thread per transcription: tests run in parallel on a small shared machine, where whisper.cpp's
            // spinning worker threads make every run many times slower.
            ["Whisper:Threads"] = settings?.TryGetValue("Whisper:Threads", out var t) == true ? t : "1",
        };
        // UseKestrel(port) races with the app's own start-up (it edits the addresses after Kestrel started);
        // a port-0 URL set on the host avoids that.
        UseKestrel();
        StartServer();
        // A plain client on the real socket (WebApplicationFactory's own client buffers request bodies for redirects).
        using var factoryClient = CreateClient();
        Http = new HttpClient { BaseAddress = factoryClient.BaseAddress };
    }

    /// <summary>A client whose base address is the server's real <c>http://127.0.0.1:port/</c>.</summary>
    public HttpClient Http { get; }

    public Uri BaseAddress => Http.BaseAddress!;

    public static Task<TranscriberTestServer> StartAsync(ISpeechToTextClient? engine, IDictionary<string, string?>? settings = null,
        CapturingLoggerProvider? logs = null) =>
        Task.Run(() => new TranscriberTestServer(engine, settings, logs));

    /// <summary>
    /// The Transcriber with its real Whisper.net engine on the ggml model at <paramref name="modelPath"/>, returned once
    /// the background model load has ended (loaded or failed).
    /// </summary>
    public static async Task<TranscriberTestServer> StartWhisperAsync(string modelPath, IDictionary<string, string?>? settings = null,
        CapturingLoggerProvider? logs = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["Whisper:ModelPath"] = modelPath };
        var server = await StartAsync(engine: null, all, logs);
        var engine = Assert.IsType<WhisperSpeechEngine>(server.Services.GetRequiredService<ISpeechToTextClient>());
        await engine.ExecuteTask!.WaitAsync(TestContext.Current.CancellationToken);
        return server;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseUrls("http://127.0.0.1:0");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        builder.ConfigureTestServices(services =>
        {
            if (_engine is not null)
            {
                services.AddSingleton(_engine);
            }
            _logs?.AddTo(services);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await base.DisposeAsync();
    }
}
