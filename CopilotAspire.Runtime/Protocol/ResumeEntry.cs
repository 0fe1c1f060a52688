using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>An answer to an interrupt, sent back on the next run.</summary>
public sealed record ResumeEntry
{
    public required string InterruptId { get; init; }
    public required string Status { get; init; }
    public JsonElement? Payload { get; init; }
    public JsonElement? Metadata { get; init; }
}
