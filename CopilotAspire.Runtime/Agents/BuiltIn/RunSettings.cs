using System.Text.Json;
using Microsoft.Extensions.AI;

namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>
/// The model settings of one run: the agent's options, each replaced by the run's <c>forwardedProps</c> value when
/// the property is listed in <see cref="BuiltInAgentSettings.OverridableProperties"/> and the value has the right
/// type (the official <c>canOverride</c>; a wrong type is ignored, <c>prompt</c> is accepted but not applied).
/// </summary>
internal sealed record RunSettings
{
    public string? Model { get; init; }
    public ChatToolMode? ToolMode { get; init; }
    public int? MaxOutputTokens { get; init; }
    public float? Temperature { get; init; }
    public float? TopP { get; init; }
    public int? TopK { get; init; }
    public float? PresencePenalty { get; init; }
    public float? FrequencyPenalty { get; init; }
    public IList<string>? StopSequences { get; init; }
    public long? Seed { get; init; }
    public int? MaxRetries { get; init; }

    /// <summary>The property names <see cref="BuiltInAgentSettings.OverridableProperties"/> accepts (the official list).</summary>
    public static readonly IReadOnlyList<string> Overridable =
    [
        "model", "toolChoice", "maxOutputTokens", "temperature", "topP", "topK", "presencePenalty", "frequencyPenalty",
        "stopSequences", "seed", "maxRetries", "prompt", "providerOptions",
    ];

    public static RunSettings From(BuiltInAgentOptions options, JsonElement? forwardedProps)
    {
        var settings = new RunSettings
        {
            ToolMode = ToolChoice(options.ToolChoice),
            MaxOutputTokens = options.MaxOutputTokens,
            Temperature = options.Temperature,
            TopP = options.TopP,
            TopK = options.TopK,
            PresencePenalty = options.PresencePenalty,
            FrequencyPenalty = options.FrequencyPenalty,
            StopSequences = options.StopSequences is { Count: > 0 } stops ? [.. stops] : null,
            Seed = options.Seed,
        };
        if (forwardedProps is not { ValueKind: JsonValueKind.Object } props || options.OverridableProperties is not { Count: > 0 } allowed)
        {
            return settings;
        }
        bool Can(string name, out JsonElement value) => props.TryGetProperty(name, out value) && allowed.Contains(name);

        if (Can("model", out var model) && model.ValueKind == JsonValueKind.String)
        {
            settings = settings with { Model = model.GetString() };
        }
        if (Can("toolChoice", out var choice))
        {
            settings = ToolChoice(choice) is { } mode ? settings with { ToolMode = mode } : settings;
        }
        if (Can("maxOutputTokens", out var v) && Int(v) is { } maxOutputTokens)
        {
            settings = settings with { MaxOutputTokens = maxOutputTokens };
        }
        if (Can("temperature", out v) && v.ValueKind == JsonValueKind.Number)
        {
            settings = settings with { Temperature = v.GetSingle() };
        }
        if (Can("topP", out v) && v.ValueKind == JsonValueKind.Number)
        {
            settings = settings with { TopP = v.GetSingle() };
        }
        if (Can("topK", out v) && Int(v) is { } topK)
        {
            settings = settings with { TopK = topK };
        }
        if (Can("presencePenalty", out v) && v.ValueKind == JsonValueKind.Number)
        {
            settings = settings with { PresencePenalty = v.GetSingle() };
        }
        if (Can("frequencyPenalty", out v) && v.ValueKind == JsonValueKind.Number)
        {
            settings = settings with { FrequencyPenalty = v.GetSingle() };
        }
        if (Can("stopSequences", out v) && v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String))
        {
            settings = settings with { StopSequences = [.. v.EnumerateArray().Select(s => s.GetString()!)] };
        }
        if (Can("seed", out v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var seed))
        {
            settings = settings with { Seed = seed };
        }
        if (Can("maxRetries", out v) && Int(v) is { } maxRetries and >= 0)
        {
            settings = settings with { MaxRetries = maxRetries };
        }
        return settings;
    }

    /// <summary>The run's chat options (tools are set by the caller).</summary>
    public ChatOptions ToChatOptions(IList<AITool> tools) => new()
    {
        Temperature = Temperature,
        TopP = TopP,
        TopK = TopK,
        PresencePenalty = PresencePenalty,
        FrequencyPenalty = FrequencyPenalty,
        Seed = Seed,
        StopSequences = StopSequences,
        MaxOutputTokens = MaxOutputTokens,
        Tools = tools,
        ToolMode = ToolMode,
    };

    /// <summary><c>auto</c>, <c>required</c>, <c>none</c>, or a tool's name.</summary>
    private static ChatToolMode? ToolChoice(string? choice) => choice?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "auto" => ChatToolMode.Auto,
        "required" => ChatToolMode.RequireAny,
        "none" => ChatToolMode.None,
        _ => ChatToolMode.RequireSpecific(choice.Trim()),
    };

    /// <summary>The AI SDK's <c>toolChoice</c>: <c>"auto"|"required"|"none"</c> or <c>{"type":"tool","toolName":…}</c>.</summary>
    private static ChatToolMode? ToolChoice(JsonElement choice)
    {
        if (choice.ValueKind == JsonValueKind.String)
        {
            return choice.GetString() switch
            {
                "auto" => ChatToolMode.Auto,
                "required" => ChatToolMode.RequireAny,
                "none" => ChatToolMode.None,
                _ => null,
            };
        }
        return choice.ValueKind == JsonValueKind.Object
            && choice.TryGetProperty("type", out var type) && type.ValueEquals("tool")
            && choice.TryGetProperty("toolName", out var name) && name.ValueKind == JsonValueKind.String
            ? ChatToolMode.RequireSpecific(name.GetString()!)
            : null;
    }

    private static int? Int(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;
}
