using CopilotAspire.Runtime.Agents;
using CopilotAspire.Runtime.Agents.BuiltIn;
using CopilotAspire.Runtime.Hosting;
using CopilotAspire.Runtime.Http;
using Microsoft.AspNetCore.Authorization;
using CopilotAspire.Runtime.Middleware;
using CopilotAspire.Runtime.Runners;
using CopilotAspire.Runtime.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

public static class CopilotRuntimeHostingExtensions
{
    /// <summary>
    /// Adds the CopilotKit runtime: options bound from <c>CopilotRuntime</c> (validated at start), the in-memory
    /// runner unless another is chosen, the <c>scripted</c> agent unless disabled, and the runtime's tracing and
    /// metrics. Map it with <c>MapCopilotRuntime()</c>.
    /// </summary>
    public static CopilotRuntimeBuilder AddCopilotRuntime(this IHostApplicationBuilder builder, Action<CopilotRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var runtime = new CopilotRuntimeBuilder(builder);
        var section = runtime.Section;

        var options = builder.Services.AddOptions<CopilotRuntimeOptions>();
        if (builder.Environment.IsDevelopment())
        {
            options.Configure(o => o.ShutdownGracePeriod = CopilotRuntimeOptions.DevelopmentShutdownGracePeriod); // before Bind: configuration wins
        }
        options.Bind(section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CopilotRuntimeOptions>, CopilotRuntimeOptionsValidator>());
        if (configure is not null)
        {
            options.Configure(configure);
        }
        builder.AddCopilotRuntimeDrain();
        builder.Services.AddOptions<InMemoryAgentRunnerOptions>().Bind(section.GetSection("InMemory")).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InMemoryAgentRunnerOptions>, InMemoryAgentRunnerOptionsValidator>());

        builder.Services.TryAddSingleton<CopilotRuntime>();
        builder.Services.TryAddSingleton<CopilotRuntimeTelemetry>();
        // The built-in telemetry reads the counts only: it never makes a run rebuild its messages.
        builder.Services.AddSingleton(sp => new AfterRequestRegistration(sp.GetRequiredService<CopilotRuntimeTelemetry>().RecordAsync, ReadsMessages: false));
        runtime.AddDefaults();
        // Authorization refusals of the runtime's routes (RequireAuthorization) answer with its JSON error and CORS headers.
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, CopilotAuthorizationResultHandler>();

        // POST /transcribe: on when CopilotRuntime:Transcription:Endpoint names an OpenAI-compatible server.
        builder.Services.AddOpenAICompatibleTranscription(section.GetSection("Transcription"));

        if (section.GetValue("ScriptedAgent:Enabled", true))
        {
            runtime.AddAgent("scripted", new ScriptedAgent());
        }

        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(CopilotRuntimeTelemetry.ActivitySourceName, BuiltInAgentTelemetry.SourceName))
            .WithMetrics(metrics => metrics.AddMeter(CopilotRuntimeTelemetry.MeterName, BuiltInAgentTelemetry.SourceName));
        return runtime;
    }

    /// <summary>
    /// The graceful shutdown (<see cref="CopilotRuntimeDrain"/>): a lifecycle service that drains before the web server
    /// stops, its health check (tagged <c>ready</c>), and a host shutdown timeout long enough for the grace period.
    /// </summary>
    private static void AddCopilotRuntimeDrain(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<CopilotRuntimeDrain>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CopilotRuntimeDrain>());
        builder.Services.AddHealthChecks().AddCheck<CopilotRuntimeDrain>(CopilotRuntimeDrain.HealthCheckName, tags: ["ready"]);
        builder.Services.AddOptions<HostOptions>().PostConfigure<IOptions<CopilotRuntimeOptions>>((host, runtime) =>
        {
            // The drain runs inside the host's shutdown timeout: grace, then the interrupted runs' closing, then the server's own stop.
            var needed = runtime.Value.ShutdownGracePeriod + CopilotRuntimeDrain.InterruptTimeout + TimeSpan.FromSeconds(5);
            if (host.ShutdownTimeout != Timeout.InfiniteTimeSpan && host.ShutdownTimeout < needed)
            {
                host.ShutdownTimeout = needed;
            }
        });
    }
}
