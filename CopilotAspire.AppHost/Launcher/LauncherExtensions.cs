using CopilotAspire.AppHost.Launcher;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aspire.Hosting;

/// <summary>Ties the AppHost to the command that started it (<c>eng/run.sh</c>); see <see cref="LauncherOptions"/>.</summary>
public static class LauncherExtensions
{
    /// <summary>
    /// In run mode, reads the <c>Launcher</c> section: with <c>Launcher:Lifeline=true</c> the app stops when standard input
    /// closes (the launcher ended, however it ended); with <c>Launcher:ReadyFile</c> that file is written once the
    /// <c>Launcher:ReadyResources</c> (default <c>api</c>, <c>web</c>) are healthy. Both unset: nothing changes. A bad
    /// value stops the AppHost at start, naming the setting.
    /// </summary>
    public static IDistributedApplicationBuilder AddLauncherLink(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            var options = builder.Configuration.GetSection(LauncherOptions.SectionName).Get<LauncherOptions>() ?? new LauncherOptions();
            if (options.Validate() is { } failure)
            {
                throw new DistributedApplicationException(failure);
            }
            builder.Services.AddSingleton(Options.Create(options));
            builder.Services.AddHostedService<LauncherLink>();
        }
        return builder;
    }
}
