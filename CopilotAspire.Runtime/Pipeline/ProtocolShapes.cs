using System.Text.Json;
using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Pipeline;

/// <summary>
/// The run-lifecycle events in the shape the run's client asked for (wire spec §22). Every run: <c>RUN_STARTED</c>
/// echoes the input's <c>protocolVersion</c> when the client sent one. AG-UI 1.0 runs: <c>RUN_FINISHED.finishReason</c>
/// moves into <c>metadata.finishReason</c> (as CopilotKit's move to 1.0 does) and <c>RUN_ERROR</c> loses the
/// <c>threadId</c> / <c>runId</c> that 1.0's schema strips. Other events pass untouched.
/// </summary>
internal static class ProtocolShapes
{
    public static AgUiEvent Apply(AgUiEvent e, string? protocolVersion, bool version1) => e switch
    {
        RunStartedEvent { ProtocolVersion: null } s when protocolVersion is not null => s with { ProtocolVersion = protocolVersion },
        RunFinishedEvent { FinishReason: { } reason } f when version1 => f with { FinishReason = null, Metadata = WithProperty(f.Metadata, "finishReason", reason) },
        RunErrorEvent error when version1 && (error.ThreadId is not null || error.RunId is not null) => error with { ThreadId = null, RunId = null },
        _ => e,
    };

    /// <summary><paramref name="metadata"/> (an object, or absent) with <paramref name="name"/> set, unless it already has it.</summary>
    private static JsonElement WithProperty(JsonElement? metadata, string name, string value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = AgUiJson.Options.Encoder }))
        {
            writer.WriteStartObject();
            var present = false;
            if (metadata is { ValueKind: JsonValueKind.Object } existing)
            {
                foreach (var property in existing.EnumerateObject())
                {
                    present |= property.NameEquals(name);
                    property.WriteTo(writer);
                }
            }
            if (!present)
            {
                writer.WriteString(name, value);
            }
            writer.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }
}
