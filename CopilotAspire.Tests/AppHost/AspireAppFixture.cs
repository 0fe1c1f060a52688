using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using CopilotAspire.Tests.Fakes;
using CopilotAspire.Tests.Infrastructure;
using CopilotAspire.Tests.Transcription;

namespace CopilotAspire.Tests.AppHost;

/// <summary>
/// The real AppHost, once for <see cref="AspireAppTests"/>: Redis as the machine's redis-server, the Transcriber on a
/// generated ggml model (it transcribes every clip to <see cref="GeneratedWhisperModel.DefaultText"/>), the fake OpenAI
/// server as the model endpoint, two Api replicas and the dashboard (telemetry API open). Every wait has a timeout.
/// </summary>
public sealed class AspireAppFixture : IAsyncLifetime
{
    public const string OpenAiKey = "sk-aspire-test-not-a-secret";
    public const string DefaultAgentText = "Hello from the fake model.";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "copilot-apphost-" + Guid.NewGuid().ToString("N"));
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("Not started.");

    public FakeOpenAiServer OpenAi { get; private set; } = null!;

    /// <summary>DCP's proxy in front of both replicas (what <c>localhost:5180</c> is under <c>dotnet run</c>).</summary>
    public HttpClient Api { get; private set; } = null!;

    /// <summary>Each replica on its own port (its <c>ASPNETCORE_URLS</c>), for addressing one directly.</summary>
    public IReadOnlyList<HttpClient> Replicas { get; private set; } = [];

    public HttpClient Dashboard { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var ct = timeout.Token;
        Directory.CreateDirectory(_directory);
        var model = Path.Combine(_directory, "ggml-generated.bin");
        await GeneratedWhisperModel.WriteAsync(model, cancellationToken: ct);
        OpenAi = await FakeOpenAiServer.StartAsync(ct);
        OpenAi.DefaultReply = Reply.Text(DefaultAgentText);

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CopilotAspire_AppHost>(
            [
                "--Redis:Mode=local",
                $"--Transcriber:Model={model}",
                $"--Parameters:openai-api-key={OpenAiKey}",
                $"--Api:Environment:OPENAI_BASE_URL={OpenAi.OpenAiBaseUrl}",
                // Free ports in place of the http profile's fixed ones, so a running dev AppHost does not clash.
                $"--ASPNETCORE_URLS=http://127.0.0.1:{FreePort.Next()}",
                $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:{FreePort.Next()}",
                $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:{FreePort.Next()}",
                "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true",
                "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
            ],
            (options, _) => options.DisableDashboard = false,
            ct);
        _app = await builder.BuildAsync(ct);
        await _app.StartAsync(ct);

        await _app.ResourceNotifications.WaitForResourceHealthyAsync("redis", ct);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("api", ct);
        Api = UntracedHttpClient.Create(_app.GetEndpoint("api", "http"));
        Replicas = [.. (await ListenUrlsAsync(_app, "api", 2, ct)).Select(url => UntracedHttpClient.Create(url))];
        foreach (var replica in Replicas)
        {
            await UntilOkAsync(replica, "/health", ct);
        }
        // The dashboard's own listening URL: its public URL is a proxy that DCP does not open in tests.
        Dashboard = new HttpClient { BaseAddress = (await ListenUrlsAsync(_app, "aspire-dashboard", 1, ct))[0] };
        await UntilOkAsync(Dashboard, "/api/telemetry/resources", ct);
    }

    /// <summary>Waits until the Transcriber reports healthy (its model loaded).</summary>
    public Task WaitForTranscriberAsync(CancellationToken cancellationToken) =>
        App.ResourceNotifications.WaitForResourceHealthyAsync("transcriber", cancellationToken);

    /// <summary>POSTs JSON (or an empty body) and returns as soon as the headers arrive, so SSE streams stay open.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, JsonNode? body, CancellationToken cancellationToken,
        string? lastEventId = null, string? traceParent = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = body is null ? new StringContent("", Encoding.UTF8, "application/json") : JsonContent.Create(body),
        };
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        if (traceParent is not null)
        {
            request.Headers.Add("traceparent", traceParent);
        }
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>
    /// Where each running instance of a resource listens: its <c>ASPNETCORE_URLS</c>. DCP gives every replica its own port
    /// behind the proxy, and the resource snapshot's URLs hold only the proxy's (checked with Aspire 13.6).
    /// </summary>
    private static async Task<List<Uri>> ListenUrlsAsync(DistributedApplication app, string resource, int count, CancellationToken cancellationToken)
    {
        var urls = new Dictionary<string, Uri>();
        await foreach (var e in app.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (e.Resource.Name == resource && e.Snapshot.State?.Text == KnownResourceStates.Running
                && e.Snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value is { Length: > 0 } value)
            {
                urls[e.ResourceId] = new Uri(value.Split(';')[0]);
                if (urls.Count == count)
                {
                    return [.. urls.Values];
                }
            }
        }
        throw new OperationCanceledException(cancellationToken);
    }

    /// <summary>Polls until the replica answers 200: a process that is running may not listen yet, and nothing announces it.</summary>
    private static async Task UntilOkAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(path, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        Dashboard?.Dispose();
        foreach (var replica in Replicas)
        {
            replica.Dispose();
        }
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        if (OpenAi is not null)
        {
            await OpenAi.DisposeAsync();
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
