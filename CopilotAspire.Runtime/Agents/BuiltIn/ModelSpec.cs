namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>A <c>"provider/model"</c> identifier, parsed by the official rules (wire spec §10.2).</summary>
/// <param name="Provider">One of <see cref="OpenAi"/>, <see cref="Anthropic"/>, <see cref="Google"/>,
/// <see cref="AzureOpenAi"/>.</param>
/// <param name="Model">The provider's model id (or the Azure deployment), e.g. <c>gpt-4o</c>.</param>
public sealed record ModelSpec(string Provider, string Model)
{
    /// <summary><c>openai</c>: OpenAI, key <c>OPENAI_API_KEY</c>.</summary>
    public const string OpenAi = "openai";
    /// <summary><c>anthropic</c>: Anthropic, key <c>ANTHROPIC_API_KEY</c>.</summary>
    public const string Anthropic = "anthropic";
    /// <summary><c>google</c> (also written <c>gemini</c>, <c>google-gemini</c>): Google Gemini.</summary>
    public const string Google = "google";
    /// <summary><c>azure-openai</c> (also <c>azure</c>): Azure OpenAI; the model is the deployment name.</summary>
    public const string AzureOpenAi = "azure-openai";

    /// <summary>Provider tokens accepted in a model string, mapped to the provider they select.</summary>
    private static readonly Dictionary<string, string> s_providers = new(StringComparer.Ordinal)
    {
        [OpenAi] = OpenAi,
        [Anthropic] = Anthropic,
        [Google] = Google,
        ["gemini"] = Google,
        ["google-gemini"] = Google,
        [AzureOpenAi] = AzureOpenAi,
        ["azure"] = AzureOpenAi,
    };

    /// <summary>
    /// Parses <paramref name="spec"/>: the first <c>/</c> becomes <c>:</c>, then the string is split on <c>:</c>; the
    /// provider is the first part lower-cased and the model the rest re-joined (so <c>openai/ft:gpt-4o:org</c> works).
    /// </summary>
    /// <exception cref="ArgumentException">The string is malformed or names an unknown provider.</exception>
    public static ModelSpec Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var slash = spec.IndexOf('/', StringComparison.Ordinal);
        var normalized = (slash < 0 ? spec : string.Concat(spec.AsSpan(0, slash), ":", spec.AsSpan(slash + 1))).Trim();
        var colon = normalized.IndexOf(':', StringComparison.Ordinal);
        var provider = (colon < 0 ? normalized : normalized[..colon]).Trim().ToLowerInvariant();
        var model = colon < 0 ? "" : normalized[(colon + 1)..].Trim();
        if (provider.Length == 0 || model.Length == 0)
        {
            throw new ArgumentException(
                $"Invalid model string \"{spec}\". Use \"openai/gpt-5\", \"anthropic/claude-sonnet-4.5\", or \"google/gemini-2.5-pro\".");
        }
        if (!s_providers.TryGetValue(provider, out var known))
        {
            throw new ArgumentException(
                $"Unknown provider \"{provider}\" in \"{spec}\". Supported: openai, anthropic, google (gemini), azure-openai.");
        }
        return new ModelSpec(known, model);
    }
}
