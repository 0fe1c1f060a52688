using CopilotAspire.AppHost.Launcher;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aspire.Hosting;

/// <summary>Ties the AppHost to the command that started it (<c>eng/run.sh</c>); see <see cref="LauncherOptions"/>.</summary>
public static class LauncherExtensions
{
    /// <summary>
    /// In run mode, reads the <c>Launcher</c> section: with <c>Launcher:Lifeline=true</c> the app stops when standard input
    /// closes (the launcher ended, however it ended); with <c>Launcher:ReadyFile</c> that file is written once the
    /// <c>Launcher:ReadyResources</c> (default <c>api</c>, <c>web</c>) are healthy. Both unset: nothing changes.
    /// </summary>
    public static IDistributedApplicationBuilder AddLauncherLink(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Services.AddOptions<LauncherOptions>()
                .BindConfiguration(LauncherOptions.SectionName)
                .ValidateOnStart();
            builder.Services.AddSingleton<IValidateOptions<LauncherOptions>, LauncherOptionsValidator>();
            builder.Services.AddHostedService<LauncherLink>();
        }
        return builder;
    }
}
