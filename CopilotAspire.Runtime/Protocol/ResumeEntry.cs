using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>An answer to an interrupt, sent back on the next run.</summary>
public sealed record ResumeEntry
{
    /// <summary>The interrupt it answers.</summary>
    public required string InterruptId { get; init; }
    /// <summary><c>resolved</c> or <c>cancelled</c>.</summary>
    public required string Status { get; init; }
    /// <summary>The user's answer, any JSON value, shaped by the interrupt's response schema.</summary>
    public JsonElement? Payload { get; init; }
    /// <summary>Free-form data, a JSON object.</summary>
    public JsonElement? Metadata { get; init; }
}
