using System.Text.Json;
using System.Text.Json.Nodes;

namespace CopilotAspire.Testing;

/// <summary>One SSE frame as a client parses it: data lines joined, optional id, or a comment (keep-alive).</summary>
public sealed record SseFrame(string? Data, string? Id, string? Comment)
{
    // JavaScript's JSON.parse has no depth limit; neither should the test client's.
    public JsonObject Json => JsonNode.Parse(Data ?? throw new InvalidOperationException("Comment frame has no data."), documentOptions: new JsonDocumentOptions { MaxDepth = 1024 })!.AsObject();

    public string Type => (string)Json["type"]!;
}
