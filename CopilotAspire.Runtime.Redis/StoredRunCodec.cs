using System.Buffers;
using System.Text.Json;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;

namespace CopilotAspire.Runtime.Redis;

/// <summary>A finished run as the thread's history list stores it: one JSON element per run.</summary>
internal sealed record StoredRun(long Seq, string RunId, string AgentId, IReadOnlyList<AgUiEvent> Events)
{
    /// <summary>The events' stored JSON, index for index, when the run was read from Redis (replay writes it as is).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>>? Json { get; init; }

    /// <summary>Event <paramref name="index"/> for a replay: its stored JSON, read into an object only if someone asks.</summary>
    public RunnerEvent ToRunnerEvent(int index, string id) =>
        Events is StoredEventList stored ? new RunnerEvent(stored, index, id) : new RunnerEvent(Events[index], id) { Json = Json is { } json ? json[index] : default };
}

/// <summary>
/// The events of a run read from Redis, kept as their JSON: an event is read into an object (each time) only when asked
/// for, which a replay written as is never does.
/// </summary>
internal sealed class StoredEventList(List<ReadOnlyMemory<byte>> json) : IReadOnlyList<AgUiEvent>, IStoredEvents
{
    public int Count => json.Count;

    public AgUiEvent this[int index] => Read(index);

    public ReadOnlyMemory<byte> JsonOf(int index) => json[index];

    public AgUiEvent Read(int index) => StoredEventReader.Read(json[index].Span);

    // The runner writes "type" first (AgUiEventWriter); any other form is read to be sure.
    public bool IsRunError(int index) => AgUiEventWriter.IsWrittenAs<RunErrorEvent>(json[index].Span) ?? Read(index) is RunErrorEvent;

    public IEnumerator<AgUiEvent> GetEnumerator()
    {
        for (var i = 0; i < json.Count; i++)
        {
            yield return Read(i);
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// Reads and writes history entries: <c>{"v":2,"seq":N,"runId":"…","agentId":"…","events":[…compacted AG-UI events…]}</c>,
/// events in the wire JSON of <see cref="AgUiJson"/>. <c>v</c> is the format; format 1, the one before it, is the
/// same without <c>v</c>. Both are read; a newer one is refused (<see cref="StoredFormatException"/>), never misread.
/// </summary>
internal static class StoredRunCodec
{
    /// <summary>The stored run format this version writes.</summary>
    public const int FormatVersion = 2;

    /// <summary>The stored form of <paramref name="run"/>, in <see cref="FormatVersion"/>.</summary>
    /// <param name="run">The finished run.</param>
    /// <param name="serialized">The JSON of events already serialized for the run's stream (written as is), if any.</param>
    public static byte[] Serialize(StoredRun run, IReadOnlyDictionary<AgUiEvent, ReadOnlyMemory<byte>>? serialized = null)
    {
        // This thread's scratch buffer (a run's entry is a few KB: no growth per run), copied once at the end.
        var buffer = ScratchBuffer.Rent(16 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = AgUiJson.Options.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", FormatVersion);
            writer.WriteNumber("seq", run.Seq);
            writer.WriteString("runId", run.RunId);
            writer.WriteString("agentId", run.AgentId);
            writer.WriteStartArray("events");
            foreach (var e in run.Events)
            {
                if (serialized is not null && serialized.TryGetValue(e, out var json) && !json.IsEmpty)
                {
                    writer.WriteRawValue(json.Span, skipInputValidation: true);
                }
                else
                {
                    AgUiJson.Serialize(writer, e);
                }
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        var entry = buffer.WrittenSpan.ToArray();
        ScratchBuffer.Return(buffer);
        return entry;
    }

    /// <summary>Reads a history entry; each event keeps its stored JSON (a slice of <paramref name="utf8"/>) for replay.</summary>
    public static StoredRun Deserialize(byte[] utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject);
        long? seq = null;
        string? runId = null, agentId = null;
        IReadOnlyList<AgUiEvent>? events = null;
        List<ReadOnlyMemory<byte>>? json = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("events"u8))
            {
                Expect(reader.Read() && reader.TokenType == JsonTokenType.StartArray);
                json = [];
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    Expect(reader.TokenType == JsonTokenType.StartObject);
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    json.Add(utf8.AsMemory(start, (int)reader.BytesConsumed - start));
                }
                events = new StoredEventList(json);
                continue;
            }
            var name = reader.GetString();
            Expect(reader.Read());
            switch (name)
            {
                case "v":
                    if (!(reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var version) && version is >= 1 and <= FormatVersion))
                    {
                        throw new StoredFormatException("stored run", reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var v) ? v : -1, FormatVersion);
                    }
                    break;
                case "seq":
                    seq = reader.GetInt64();
                    break;
                case "runId":
                    runId = reader.GetString();
                    break;
                case "agentId":
                    agentId = reader.GetString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        return new StoredRun(seq ?? throw new JsonException("Stored run has no seq."), runId ?? "", agentId ?? "", events ?? throw new JsonException("Stored run has no events."))
        {
            Json = json,
        };
    }

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw new JsonException("Malformed stored run.");
        }
    }
}
