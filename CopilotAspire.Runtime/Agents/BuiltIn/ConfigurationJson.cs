using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotAspire.Runtime.Protocol;
using Microsoft.Extensions.Configuration;

namespace CopilotAspire.Runtime.Agents.BuiltIn;

/// <summary>
/// A configuration section read as JSON, for settings that are free-form JSON in the official runtime (an agent's
/// <c>capabilities</c>): sections become objects (arrays when every key is an index 0…n-1), <c>true</c>/<c>false</c>
/// booleans, numbers numbers, anything else a string.
/// </summary>
internal static class ConfigurationJson
{
    /// <summary>The section as a JSON object, shallow-merged over <paramref name="defaults"/> (an object, or ignored).</summary>
    public static JsonElement ToElement(IConfigurationSection section, JsonElement? defaults)
    {
        var result = defaults is { ValueKind: JsonValueKind.Object } d ? JsonNode.Parse(d.GetRawText())!.AsObject() : [];
        foreach (var (name, value) in ToObject(section))
        {
            result[name] = value?.DeepClone();
        }
        return JsonSerializer.SerializeToElement<JsonNode>(result, AgUiJsonContext.Default.JsonNode);
    }

    private static JsonObject ToObject(IConfigurationSection section)
    {
        var result = new JsonObject();
        foreach (var child in section.GetChildren())
        {
            result[child.Key] = ToNode(child);
        }
        return result;
    }

    private static JsonNode? ToNode(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return section.Value is { } value ? Scalar(value) : new JsonObject();
        }
        var isArray = true;
        for (var i = 0; i < children.Count && isArray; i++)
        {
            isArray = children.Exists(c => c.Key == i.ToString(CultureInfo.InvariantCulture));
        }
        if (isArray)
        {
            var array = new JsonArray();
            foreach (var child in children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture)))
            {
                array.Add(ToNode(child));
            }
            return array;
        }
        return ToObject(section);
    }

    private static JsonNode Scalar(string value)
    {
        if (bool.TryParse(value, out var flag))
        {
            return JsonValue.Create(flag);
        }
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }
        return JsonValue.Create(value);
    }
}
