using System.Net.Http.Headers;
using System.Text;
using CopilotAspire.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CopilotAspire.Tests.Infrastructure;

/// <summary>
/// The runtime hosted in-process on a real Kestrel loopback port, configured like the Api (configuration keys,
/// <c>AddCopilotRuntime</c>, <c>MapCopilotRuntime</c>) plus whatever agents and middleware a test registers.
/// </summary>
public sealed class RuntimeTestHost : IAsyncDisposable
{
    public const string BasePath = "/api/copilotkit";
    public const string SinglePath = "/api/copilotkit-single";

    private readonly WebApplication _app;

    private RuntimeTestHost(WebApplication app, Uri address)
    {
        _app = app;
        BaseAddress = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The URL the official clients call <c>runtimeUrl</c>.</summary>
    public string RuntimeUrl => new Uri(BaseAddress, BasePath).ToString();

    public static async Task<RuntimeTestHost> StartAsync(
        Action<CopilotRuntimeBuilder>? configure = null,
        IDictionary<string, string?>? settings = null,
        Action<WebApplication>? map = null)
    {
        var (app, address) = await LoopbackWebApp.StartAsync(
            builder =>
            {
                var values = new Dictionary<string, string?>
                {
                    ["CopilotRuntime:KeepAliveSeconds"] = "0",
                    ["CopilotRuntime:ShutdownGracePeriod"] = "00:00:00", // a test's leftover runs end at once when its host stops
                };
                foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
                {
                    values[k] = v;
                }
                builder.Configuration.AddInMemoryCollection(values);
                var runtime = builder.AddCopilotRuntime();
                runtime.AddConformanceAgents();
                configure?.Invoke(runtime);
            },
            map ?? (app => app.MapCopilotRuntime()));
        return new RuntimeTestHost(app, address);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    /// <summary><c>IN(t, r)</c> of the conformance fixture (wire spec §13).</summary>
    public static string Input(string threadId, string runId, string messages = """[{"id":"u1","role":"user","content":"hi"}]""") =>
        $$$"""{"threadId":"{{{threadId}}}","runId":"{{{runId}}}","messages":{{{messages}}},"state":{},"tools":[],"context":[],"forwardedProps":{}}""";

    public Task<HttpResponseMessage> PostAsync(string path, string? json, CancellationToken cancellationToken, HttpCompletionOption option = HttpCompletionOption.ResponseContentRead)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/')) { Content = json is null ? null : Json(json) };
        return Client.SendAsync(request, option, cancellationToken);
    }

    /// <summary>Posts and reads the whole SSE body.</summary>
    public async Task<(HttpResponseMessage Response, List<SseFrame> Frames)> PostSseAsync(string path, string json, CancellationToken cancellationToken)
    {
        var response = await PostAsync(path, json, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        return (response, await Sse.ReadAllAsync(response, cancellationToken));
    }

    /// <summary>Stops the host as SIGTERM would (the runtime drains), keeping the client usable until disposed.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
