using System.Text.Json;
using System.Text.Json.Nodes;

namespace CopilotAspire.Tests.Infrastructure;

public static class JsonAssert
{
    /// <summary>Compares JSON structurally (key order ignored) and reports both texts on failure.</summary>
    public static void Equal(string expected, JsonNode? actual)
    {
        var e = JsonNode.Parse(expected);
        Assert.True(JsonNode.DeepEquals(e, actual), $"Expected {e?.ToJsonString()}\nActual   {actual?.ToJsonString()}");
    }

    public static void Equal(string expected, string actual) => Equal(expected, JsonNode.Parse(actual));

    public static JsonDocument Parse(string json) => JsonDocument.Parse(json);
}
