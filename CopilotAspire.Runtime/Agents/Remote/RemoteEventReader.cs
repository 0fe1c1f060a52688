using System.Buffers;
using System.Text.Json;
using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Agents.Remote;

/// <summary>
/// Reads a remote agent's event (the data of one SSE frame) with <see cref="StoredEventReader"/>, which reads the usual
/// type-first form, tokens included, without the polymorphic deserializer. A <c>RUN_STARTED</c>'s <c>input</c> is cut
/// out before it is read: a runtime as remote echoes the whole <c>RunAgentInput</c> there (the thread's messages, its
/// tools, its state), and the runner replaces it with the input as this runtime received it, so reading it would be
/// work thrown away, growing with the conversation.
/// </summary>
internal static class RemoteEventReader
{
    private static ReadOnlySpan<byte> RunStartedPrefix => "{\"type\":\"RUN_STARTED\""u8;

    /// <exception cref="JsonException">Not a valid AG-UI event.</exception>
    public static AgUiEvent Read(ReadOnlySpan<byte> json)
    {
        if (!json.StartsWith(RunStartedPrefix) || !TryFindInput(json, out var cutStart, out var cutEnd))
        {
            return StoredEventReader.Read(json);
        }
        var length = json.Length - (cutEnd - cutStart);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            json[..cutStart].CopyTo(rented);
            json[cutEnd..].CopyTo(rented.AsSpan(cutStart));
            return StoredEventReader.Read(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Where the top-level <c>"input": …</c> is, from the comma before it to the end of its value (it is never first:
    /// the type is). False when there is none or the JSON is not well formed (the reader then says why).
    /// </summary>
    private static bool TryFindInput(ReadOnlySpan<byte> json, out int cutStart, out int cutEnd)
    {
        cutStart = cutEnd = 0;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isInput = reader.ValueTextEquals("input"u8);
                var nameStart = (int)reader.TokenStartIndex;
                if (!reader.Read())
                {
                    return false;
                }
                reader.Skip();
                if (!isInput)
                {
                    continue;
                }
                var comma = json[..nameStart].TrimEnd(" \t\r\n"u8);
                if (comma.IsEmpty || comma[^1] != (byte)',')
                {
                    return false;
                }
                cutStart = comma.Length - 1;
                cutEnd = (int)reader.BytesConsumed;
                return true;
            }
            return false;
        }
        catch (JsonException)
        {
            return false; // malformed: read as it is, so the error is the reader's
        }
    }
}
