using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>
/// The model of one registered agent, shared by all its clones: the chat client is built on first use (so a missing
/// key is a per-run <c>RUN_ERROR</c>, never a startup failure) and then reused, wrapped with Microsoft.Extensions.AI's
/// OpenTelemetry and logging, below which provider errors have the key redacted.
/// </summary>
internal sealed class ModelBinding
{
    private readonly ModelSpec? _spec;
    private readonly IChatClient? _supplied;
    private readonly BuiltInAgentOptions _options;
    private readonly ProviderEnvironment _environment;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly Lock _gate = new();
    private ResolvedModel? _resolved;

    public ModelBinding(BuiltInAgentOptions options, ProviderEnvironment environment, ILoggerFactory? loggerFactory)
    {
        _options = options;
        _environment = environment;
        _loggerFactory = loggerFactory;
        if (options.ChatClient is { } client)
        {
            _supplied = client;
            var metadata = client.GetService<ChatClientMetadata>();
            ProviderName = metadata?.ProviderName;
            ModelName = metadata?.DefaultModelId;
        }
        else if (!string.IsNullOrWhiteSpace(options.Model))
        {
            _spec = ModelSpec.Parse(options.Model);
            ProviderName = _spec.Provider;
            ModelName = _spec.Model;
        }
        else
        {
            throw new ArgumentException("A BuiltInAgent needs a Model (\"provider/model\") or a ChatClient.", nameof(options));
        }
    }

    /// <summary>The provider reported in <c>RUN_FINISHED.usage</c>.</summary>
    public string? ProviderName { get; }

    /// <summary>The model reported in <c>RUN_FINISHED.usage</c>.</summary>
    public string? ModelName { get; }

    /// <summary>The client, or the reason there is none (a missing key: re-checked on every run until it resolves).</summary>
    public ResolvedModel Resolve()
    {
        if (Volatile.Read(ref _resolved) is { } resolved)
        {
            return resolved;
        }
        lock (_gate)
        {
            if (_resolved is not null)
            {
                return _resolved;
            }
            if (_supplied is not null)
            {
                return _resolved = new ResolvedModel(Instrument(_supplied, null), null, null);
            }
            var result = ChatModelFactory.Create(_spec!, _options, _environment);
            if (result.Client is null)
            {
                return new ResolvedModel(null, result.Error, result.Secret);
            }
            return _resolved = new ResolvedModel(Instrument(result.Client, result.Secret), null, result.Secret);
        }
    }

    /// <summary>
    /// OpenTelemetry (outermost), then logging, then — closest to the provider, so neither sees the key a provider
    /// error may echo — <see cref="SecretRedactingChatClient"/>. The builder's first <c>Use</c> is the outermost.
    /// </summary>
    private IChatClient Instrument(IChatClient client, string? secret)
    {
        var builder = client.AsBuilder();
        if (client.GetService<OpenTelemetryChatClient>() is null)
        {
            builder.UseOpenTelemetry(_loggerFactory, BuiltInAgentTelemetry.SourceName);
        }
        if (_loggerFactory is not null && client.GetService<LoggingChatClient>() is null)
        {
            builder.UseLogging(_loggerFactory);
        }
        if (!string.IsNullOrEmpty(secret))
        {
            builder.Use(inner => new SecretRedactingChatClient(inner, secret));
        }
        return builder.Build();
    }
}

/// <summary>A ready chat client, or the user-facing error; <see cref="Secret"/> (the key) is redacted from messages.</summary>
internal sealed record ResolvedModel(IChatClient? Client, string? Error, string? Secret);
