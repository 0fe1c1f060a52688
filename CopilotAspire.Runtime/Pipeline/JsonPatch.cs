using System.Text.Json.Nodes;
using System.Text.Json;

namespace CopilotAspire.Runtime.Pipeline;

/// <summary>RFC 6902 JSON Patch (add, remove, replace, move, copy, test) over <see cref="JsonNode"/>.</summary>
public static class JsonPatch
{
    /// <summary>
    /// Why <paramref name="patch"/> is not an RFC 6902 document as AG-UI 1.0's schema reads it (an array of operations,
    /// each with a known <c>op</c>, a JSON Pointer <c>path</c>, a <c>from</c> pointer for move and copy, a
    /// <c>value</c> for add, replace and test), or <see langword="null"/> when it is one.
    /// </summary>
    public static string? Validate(JsonElement patch)
    {
        if (patch.ValueKind != JsonValueKind.Array)
        {
            return "a JSON Patch must be an array of operations";
        }
        var index = 0;
        foreach (var op in patch.EnumerateArray())
        {
            if (op.ValueKind != JsonValueKind.Object || !op.TryGetProperty("op", out var kind) || kind.ValueKind != JsonValueKind.String)
            {
                return $"operation {index} has no 'op'";
            }
            var name = kind.GetString();
            if (name is not ("add" or "remove" or "replace" or "move" or "copy" or "test"))
            {
                return $"operation {index} has an unknown op '{name}'";
            }
            if (!op.TryGetProperty("path", out var path) || !IsPointer(path))
            {
                return $"operation {index} ({name}) needs a JSON Pointer 'path'";
            }
            if (name is "move" or "copy" && (!op.TryGetProperty("from", out var from) || !IsPointer(from)))
            {
                return $"operation {index} ({name}) needs a JSON Pointer 'from'";
            }
            if (name is "add" or "replace" or "test" && !op.TryGetProperty("value", out _))
            {
                return $"operation {index} ({name}) needs a 'value'";
            }
            index++;
        }
        return null;
    }

    /// <summary>An RFC 6901 pointer: empty, or <c>/</c>-separated tokens where <c>~</c> is only <c>~0</c> or <c>~1</c>.</summary>
    private static bool IsPointer(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }
        var pointer = value.GetString()!;
        if (pointer.Length > 0 && pointer[0] != '/')
        {
            return false;
        }
        for (var i = 0; i < pointer.Length; i++)
        {
            if (pointer[i] == '~' && (i + 1 >= pointer.Length || pointer[i + 1] is not ('0' or '1')))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Applies <paramref name="patch"/> to a copy of <paramref name="document"/> and returns the result.</summary>
    /// <exception cref="JsonPatchException">The patch is malformed or an operation cannot be applied.</exception>
    public static JsonNode? Apply(JsonNode? document, JsonElement patch)
    {
        if (patch.ValueKind != JsonValueKind.Array)
        {
            throw new JsonPatchException("A JSON Patch must be an array of operations.");
        }
        var doc = document?.DeepClone();
        foreach (var op in patch.EnumerateArray())
        {
            if (op.ValueKind != JsonValueKind.Object || !op.TryGetProperty("op", out var kind) || !op.TryGetProperty("path", out var pathElement)
                || pathElement.ValueKind != JsonValueKind.String)
            {
                throw new JsonPatchException("Each JSON Patch operation needs 'op' and 'path'.");
            }
            var path = pathElement.GetString()!;
            JsonNode? Value() => op.TryGetProperty("value", out var v) ? JsonNode.Parse(v.GetRawText()) : throw new JsonPatchException($"'{kind}' at '{path}' needs a 'value'.");
            string From() => op.TryGetProperty("from", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : throw new JsonPatchException($"'{kind}' at '{path}' needs a 'from'.");
            switch (kind.GetString())
            {
                case "add":
                    doc = Add(doc, path, Value());
                    break;
                case "remove":
                    doc = Remove(doc, path, out _);
                    break;
                case "replace":
                    doc = Remove(doc, path, out _);
                    doc = Add(doc, path, Value());
                    break;
                case "move":
                    {
                        var from = From();
                        doc = Remove(doc, from, out var moved);
                        doc = Add(doc, path, moved);
                        break;
                    }
                case "copy":
                    doc = Add(doc, path, Get(doc, From())?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(doc, path), Value()))
                    {
                        throw new JsonPatchException($"Test failed at '{path}'.");
                    }
                    break;
                default:
                    throw new JsonPatchException($"Unknown JSON Patch operation '{kind}'.");
            }
        }
        return doc;
    }

    private static string[] Split(string path)
    {
        if (path.Length == 0)
        {
            return [];
        }
        if (path[0] != '/')
        {
            throw new JsonPatchException($"Invalid JSON Pointer '{path}'.");
        }
        return path[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
    }

    private static JsonNode? Get(JsonNode? doc, string path)
    {
        var node = doc;
        foreach (var token in Split(path))
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                JsonArray a when int.TryParse(token, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw new JsonPatchException($"Path '{path}' does not exist."),
            };
        }
        return node;
    }

    private static JsonNode? Add(JsonNode? doc, string path, JsonNode? value)
    {
        var tokens = Split(path);
        if (tokens.Length == 0)
        {
            return value;
        }
        var parent = tokens.Length == 1 ? doc : Get(doc, "/" + string.Join('/', tokens[..^1].Select(Escape)));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a:
                if (last == "-")
                {
                    a.Add(value);
                }
                else if (int.TryParse(last, out var i) && i >= 0 && i <= a.Count)
                {
                    a.Insert(i, value);
                }
                else
                {
                    throw new JsonPatchException($"Invalid array index in '{path}'.");
                }
                break;
            default:
                throw new JsonPatchException($"Cannot add at '{path}'.");
        }
        return doc;
    }

    private static JsonNode? Remove(JsonNode? doc, string path, out JsonNode? removed)
    {
        var tokens = Split(path);
        if (tokens.Length == 0)
        {
            removed = doc;
            return null;
        }
        var parent = tokens.Length == 1 ? doc : Get(doc, "/" + string.Join('/', tokens[..^1].Select(Escape)));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out var child):
                o.Remove(last);
                removed = child;
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                removed = a[i];
                a.RemoveAt(i);
                break;
            default:
                throw new JsonPatchException($"Path '{path}' does not exist.");
        }
        return doc;
    }

    private static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
