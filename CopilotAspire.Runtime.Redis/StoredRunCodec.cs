using System.Buffers;
using System.Text.Json;
using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Redis;

/// <summary>A finished run as the thread's history list stores it: one JSON element per run.</summary>
internal sealed record StoredRun(long Seq, string RunId, string AgentId, List<AgUiEvent> Events);

/// <summary>
/// Reads and writes history entries: <c>{"seq":N,"runId":"…","agentId":"…","events":[…compacted AG-UI events…]}</c>,
/// events in the wire JSON of <see cref="AgUiJson"/>; and single raw events (stream entry field <c>e</c>).
/// </summary>
internal static class StoredRunCodec
{
    /// <param name="serialized">The JSON of events already serialized for the run's stream (written as is), if any.</param>
    public static byte[] Serialize(StoredRun run, IReadOnlyDictionary<AgUiEvent, byte[]>? serialized = null)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = AgUiJson.Options.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq", run.Seq);
            writer.WriteString("runId", run.RunId);
            writer.WriteString("agentId", run.AgentId);
            writer.WriteStartArray("events");
            foreach (var e in run.Events)
            {
                if (serialized is not null && serialized.TryGetValue(e, out var json))
                {
                    writer.WriteRawValue(json, skipInputValidation: true);
                }
                else
                {
                    AgUiJson.Serialize(writer, e);
                }
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static StoredRun Deserialize(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        var events = new List<AgUiEvent>();
        foreach (var e in root.GetProperty("events").EnumerateArray())
        {
            events.Add(e.Deserialize(AgUiJson.Context.AgUiEvent) ?? throw new JsonException("Stored event was null."));
        }
        return new StoredRun(root.GetProperty("seq").GetInt64(), root.GetProperty("runId").GetString() ?? "", root.GetProperty("agentId").GetString() ?? "", events);
    }
}
