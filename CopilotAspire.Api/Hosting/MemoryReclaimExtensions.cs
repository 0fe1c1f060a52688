using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CopilotAspire.Api.Hosting;

public static class MemoryReclaimExtensions
{
    /// <summary>Adds <see cref="MemoryReclaimer"/> with its options from the <c>Memory</c> section (validated at start).</summary>
    public static TBuilder AddMemoryReclaim<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<MemoryReclaimOptions>().Bind(builder.Configuration.GetSection(MemoryReclaimOptions.SectionName)).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MemoryReclaimOptions>, MemoryReclaimOptionsValidator>());
        builder.Services.AddHostedService<MemoryReclaimer>();
        return builder;
    }
}
