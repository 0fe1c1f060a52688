using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace CopilotAspire.Web.Hosting;

public static class RuntimeProxyExtensions
{
    /// <summary>The runtime's paths as the page calls them (the Api's default <c>BasePath</c> and <c>SingleRoutePath</c>).</summary>
    public static readonly IReadOnlyList<string> RuntimePaths = ["/api/copilotkit", "/api/copilotkit-single"];

    private const string ClusterId = "api";

    /// <summary>
    /// Registers YARP with one route per runtime path to the Api (<see cref="RuntimeProxyOptions"/>), its address
    /// resolved by service discovery. YARP streams responses and flushes each read, so SSE frames pass through
    /// unbuffered, and it cancels the upstream request when the browser goes away.
    /// </summary>
    public static IHostApplicationBuilder AddRuntimeProxy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RuntimeProxyOptions>().BindConfiguration(RuntimeProxyOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RuntimeProxyOptions>, RuntimeProxyOptionsValidator>();

        var options = builder.Configuration.GetSection(RuntimeProxyOptions.SectionName).Get<RuntimeProxyOptions>() ?? new();
        var routes = RuntimePaths.Select(path => new RouteConfig
        {
            RouteId = path.TrimStart('/').Replace('/', '-'),
            ClusterId = ClusterId,
            Match = new RouteMatch { Path = path + "/{**rest}" },
        }).ToArray();
        var cluster = new ClusterConfig
        {
            ClusterId = ClusterId,
            Destinations = new Dictionary<string, DestinationConfig>
            {
                [ClusterId] = new() { Address = options.ApiAddress.ToString() },
            },
            HttpRequest = new ForwarderRequestConfig { ActivityTimeout = options.ActivityTimeout },
        };
        builder.Services.AddReverseProxy()
            .LoadFromMemory(routes, [cluster])
            .AddServiceDiscoveryDestinationResolver();
        return builder;
    }

    public static WebApplication MapRuntimeProxy(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<RuntimeProxyOptions>>().Value;
        WebLog.RuntimeProxy(app.Logger, string.Join(", ", RuntimePaths), options.ApiAddress);
        app.MapReverseProxy();
        return app;
    }
}

[OptionsValidator]
internal sealed partial class RuntimeProxyOptionsValidator : IValidateOptions<RuntimeProxyOptions>;
