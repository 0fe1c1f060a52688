using Microsoft.Extensions.Configuration;

namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>
/// Where providers read their keys and base URLs (<c>OPENAI_API_KEY</c>, <c>OPENAI_BASE_URL</c>…): an
/// <see cref="IConfiguration"/> (a host's configuration includes its environment variables) or the process
/// environment. Tests pass an in-memory configuration instead of mutating the process environment.
/// </summary>
public sealed class ProviderEnvironment
{
    private readonly Func<string, string?> _lookup;

    private ProviderEnvironment(Func<string, string?> lookup) => _lookup = lookup;

    /// <summary>The process environment variables.</summary>
    public static ProviderEnvironment Process { get; } = new(Environment.GetEnvironmentVariable);

    /// <summary>Values of <paramref name="configuration"/> (top-level keys named like the environment variables).</summary>
    public static ProviderEnvironment FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new(name => configuration[name]);
    }

    /// <summary>Values from a dictionary (tests).</summary>
    public static ProviderEnvironment FromValues(IReadOnlyDictionary<string, string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(name => values.GetValueOrDefault(name));
    }

    /// <summary>The value of <paramref name="name"/>, or <see langword="null"/> when unset or blank.</summary>
    public string? Get(string name) => _lookup(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
