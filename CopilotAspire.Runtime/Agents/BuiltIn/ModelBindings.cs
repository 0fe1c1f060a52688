using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>
/// The agent's model and the models runs ask for through <c>forwardedProps</c> (<c>model</c>, <c>maxRetries</c> in
/// <see cref="BuiltInAgentSettings.OverridableProperties"/>), shared by all clones. An overriding binding is built once
/// per (model, retries) and kept, up to <see cref="MaxCached"/> of them; beyond that each run builds its own.
/// </summary>
internal sealed class ModelBindings(BuiltInAgentOptions options, ProviderEnvironment environment, ILoggerFactory? loggerFactory)
{
    public const int MaxCached = 16;

    private readonly ConcurrentDictionary<(string? Model, int? MaxRetries), ModelBinding> _overrides = new();

    /// <summary>The agent's own model.</summary>
    public ModelBinding Default { get; } = new(options, environment, loggerFactory);

    /// <summary>The binding for a run's settings.</summary>
    /// <exception cref="ArgumentException">An overriding model string is invalid.</exception>
    public ModelBinding For(RunSettings settings)
    {
        // A supplied chat client has no retry setting of ours to change; only a model string replaces it.
        var retries = options.ChatClient is not null && settings.Model is null ? null : settings.MaxRetries;
        if (settings.Model is null && (retries is null || retries == options.MaxRetries))
        {
            return Default;
        }
        var key = (settings.Model, retries);
        if (_overrides.TryGetValue(key, out var binding))
        {
            return binding;
        }
        var overridden = options.Snapshot();
        if (settings.Model is { } model)
        {
            overridden.Model = model;
            overridden.ChatClient = null;
        }
        overridden.MaxRetries = retries ?? options.MaxRetries;
        binding = new ModelBinding(overridden, environment, loggerFactory);
        return _overrides.Count < MaxCached ? _overrides.GetOrAdd(key, binding) : binding;
    }
}
