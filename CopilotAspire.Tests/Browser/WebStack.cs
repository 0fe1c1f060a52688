using CopilotAspire.Tests.Infrastructure;

namespace CopilotAspire.Tests.Browser;

/// <summary>
/// A real Api process and the Web host process in front of it, each on a free loopback port; the Web host's proxy
/// finds the Api through <c>services:api:http:0</c>, as it does under Aspire.
/// </summary>
public sealed class WebStack : IAsyncDisposable
{
    private WebStack(ApiProcess api, ApiProcess web)
    {
        Api = api;
        Web = web;
    }

    public ApiProcess Api { get; }

    public ApiProcess Web { get; }

    /// <summary>The Web host's <c>http://127.0.0.1:port</c>.</summary>
    public string BaseUrl => Web.BaseAddress.GetLeftPart(UriPartial.Authority);

    public static async Task<WebStack> StartAsync(IReadOnlyDictionary<string, string> apiEnvironment, CancellationToken cancellationToken)
    {
        var api = await ApiProcess.StartAsync(apiEnvironment, cancellationToken);
        try
        {
            var web = await StartInFrontOfAsync(api.BaseAddress.GetLeftPart(UriPartial.Authority), cancellationToken);
            return new WebStack(api, web.Process);
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    /// <summary>Only a Web host, in front of an Api someone else runs (an Aspire replica).</summary>
    public static async Task<WebHostProcess> StartInFrontOfAsync(string apiUrl, CancellationToken cancellationToken) =>
        new(await ApiProcess.StartAsync(new Dictionary<string, string> { ["services__api__http__0"] = apiUrl }, cancellationToken, "CopilotAspire.Web"));

    public async ValueTask DisposeAsync()
    {
        await Web.DisposeAsync();
        await Api.DisposeAsync();
    }
}

/// <summary>A Web host process alone.</summary>
public sealed class WebHostProcess(ApiProcess process) : IAsyncDisposable
{
    public ApiProcess Process => process;

    /// <summary>The Web host's <c>http://127.0.0.1:port</c>.</summary>
    public string BaseUrl => process.BaseAddress.GetLeftPart(UriPartial.Authority);

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
