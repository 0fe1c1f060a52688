using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using Azure.Identity;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>Builds the provider's <see cref="IChatClient"/> for a <see cref="ModelSpec"/> (wire spec §10.2).</summary>
internal static class ChatModelFactory
{
    public const string OpenAiDefaultBaseUrl = "https://api.openai.com/v1";
    public const string AnthropicDefaultBaseUrl = "https://api.anthropic.com";
    public const string GoogleDefaultBaseUrl = "https://generativelanguage.googleapis.com/v1beta";

    /// <summary>The Entra ID scope of Azure OpenAI (used when no key is configured).</summary>
    public const string AzureTokenScope = "https://cognitiveservices.azure.com/.default";

    /// <summary>The provider's client, or the user-facing reason it cannot be built (a missing key or endpoint).</summary>
    public static ModelClientResult Create(ModelSpec spec, BuiltInAgentOptions options, ProviderEnvironment env) => spec.Provider switch
    {
        ModelSpec.OpenAi => CreateOpenAi(spec, options, env),
        ModelSpec.Anthropic => CreateAnthropic(spec, options, env),
        ModelSpec.Google => CreateGoogle(spec, options, env),
        ModelSpec.AzureOpenAi => CreateAzureOpenAi(spec, options, env),
        _ => throw new InvalidOperationException($"Unknown provider \"{spec.Provider}\"."),
    };

    private static ModelClientResult CreateOpenAi(ModelSpec spec, BuiltInAgentOptions options, ProviderEnvironment env)
    {
        var key = options.ApiKey ?? env.Get("OPENAI_API_KEY");
        if (key is null)
        {
            return ModelClientResult.Fail(MissingKey("OpenAI", "OPENAI_API_KEY"), null);
        }
        var baseUrl = options.BaseUrl ?? env.Get("OPENAI_BASE_URL") ?? OpenAiDefaultBaseUrl;
        return ModelClientResult.Ok(OpenAiCompatible(spec.Model, key, baseUrl, options.MaxRetries), key);
    }

    private static ModelClientResult CreateGoogle(ModelSpec spec, BuiltInAgentOptions options, ProviderEnvironment env)
    {
        var key = options.ApiKey ?? env.Get("GOOGLE_GENERATIVE_AI_API_KEY") ?? env.Get("GOOGLE_API_KEY");
        if (key is null)
        {
            return ModelClientResult.Fail(MissingKey("Google Generative AI", "GOOGLE_GENERATIVE_AI_API_KEY"), null);
        }
        // Gemini's OpenAI-compatible endpoint lives under {base}/openai; the AI SDK's base URL is {host}/v1beta.
        var baseUrl = (options.BaseUrl ?? env.Get("GOOGLE_GENERATIVE_AI_BASE_URL") ?? GoogleDefaultBaseUrl).TrimEnd('/');
        if (!baseUrl.EndsWith("/openai", StringComparison.OrdinalIgnoreCase))
        {
            baseUrl += "/openai";
        }
        return ModelClientResult.Ok(OpenAiCompatible(spec.Model, key, baseUrl, options.MaxRetries), key);
    }

    private static ModelClientResult CreateAnthropic(ModelSpec spec, BuiltInAgentOptions options, ProviderEnvironment env)
    {
        var key = options.ApiKey ?? env.Get("ANTHROPIC_API_KEY");
        if (key is null)
        {
            return ModelClientResult.Fail(MissingKey("Anthropic", "ANTHROPIC_API_KEY"), null);
        }
        // The AI SDK's base URL includes /v1 (https://api.anthropic.com/v1); the Anthropic SDK appends /v1 itself.
        var baseUrl = (options.BaseUrl ?? env.Get("ANTHROPIC_BASE_URL") ?? AnthropicDefaultBaseUrl).TrimEnd('/');
        if (baseUrl.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            baseUrl = baseUrl[..^3];
        }
        var client = new AnthropicClient(new Anthropic.Core.ClientOptions
        {
            ApiKey = key,
            BaseUrl = baseUrl,
            MaxRetries = options.MaxRetries,
        });
        return ModelClientResult.Ok(client.AsIChatClient(spec.Model, options.MaxOutputTokens), key);
    }

    private static ModelClientResult CreateAzureOpenAi(ModelSpec spec, BuiltInAgentOptions options, ProviderEnvironment env)
    {
        var endpoint = options.BaseUrl ?? env.Get("AZURE_OPENAI_ENDPOINT");
        if (endpoint is null)
        {
            return ModelClientResult.Fail(
                "Azure OpenAI endpoint is missing. Pass it using the 'baseUrl' parameter or the AZURE_OPENAI_ENDPOINT environment variable.", null);
        }
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            return ModelClientResult.Fail($"Azure OpenAI endpoint \"{endpoint}\" is not an absolute URL.", null);
        }
        // Azure's v1 API through the OpenAI client (the deployment is the model; no api-version). Azure.AI.OpenAI 2.1.0
        // is built against an older OpenAI package than ours and calls a method 2.15.0 no longer has.
        var key = options.ApiKey ?? env.Get("AZURE_OPENAI_API_KEY");
        AuthenticationPolicy authentication = key is not null
            ? ApiKeyAuthenticationPolicy.CreateHeaderApiKeyPolicy(new ApiKeyCredential(key), "api-key")
            : new BearerTokenPolicy(new DefaultAzureCredential(), AzureTokenScope);
        var client = new ChatClient(spec.Model, authentication, new OpenAIClientOptions
        {
            Endpoint = AzureV1Endpoint(uri),
            RetryPolicy = new ClientRetryPolicy(options.MaxRetries),
        });
        return ModelClientResult.Ok(client.AsIChatClient(), key);
    }

    /// <summary><c>{endpoint}/openai/v1</c>, whether the endpoint was given as the resource, <c>…/openai</c> or <c>…/openai/v1</c>.</summary>
    internal static Uri AzureV1Endpoint(Uri endpoint)
    {
        var url = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (url.EndsWith("/openai/v1", StringComparison.OrdinalIgnoreCase))
        {
            return new Uri(url);
        }
        return new Uri(url.EndsWith("/openai", StringComparison.OrdinalIgnoreCase) ? url + "/v1" : url + "/openai/v1");
    }

    private static IChatClient OpenAiCompatible(string model, string key, string baseUrl, int maxRetries) =>
        new ChatClient(model, new ApiKeyCredential(key), new OpenAIClientOptions
        {
            Endpoint = new Uri(baseUrl.TrimEnd('/')),
            RetryPolicy = new ClientRetryPolicy(maxRetries),
        }).AsIChatClient();

    /// <summary>The AI SDK's <c>loadApiKey</c> message.</summary>
    private static string MissingKey(string description, string variable) =>
        $"{description} API key is missing. Pass it using the 'apiKey' parameter or the {variable} environment variable.";
}

/// <summary>A provider client, or why there is none. <see cref="Secret"/> is redacted from error messages.</summary>
internal readonly record struct ModelClientResult(IChatClient? Client, string? Error, string? Secret)
{
    public static ModelClientResult Ok(IChatClient client, string? secret) => new(client, null, secret);

    public static ModelClientResult Fail(string error, string? secret) => new(null, error, secret);
}
