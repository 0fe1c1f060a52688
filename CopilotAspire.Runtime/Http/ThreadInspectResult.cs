using System.Text.Json;
using CopilotAspire.Runtime.Middleware;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Runtime.Http;

/// <summary>
/// The answer of <c>GET threads/{threadId}/messages|events|state</c>, in the official local runtime's shapes:
/// <c>{"events": [compacted stored events]}</c> (written as stored); <c>{"messages": [...]}</c>, the conversation the
/// stored runs hold (each run's new input messages, then the messages its events built), assistant messages as
/// <c>{id, role, content?, toolCalls?: [{id, name, args}]}</c>, tool messages as <c>{id, role, content, toolCallId}</c>,
/// others as <c>{id, role, content?}</c>; <c>{"state": …}</c>, the last <c>STATE_SNAPSHOT</c>'s object, or null.
/// </summary>
internal sealed class ThreadInspectResult(string what, IReadOnlyList<RunnerEvent> events) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json";
        await using (var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter, new JsonWriterOptions { Encoder = AgUiJson.Options.Encoder }))
        {
            writer.WriteStartObject();
            switch (what)
            {
                case "events":
                    writer.WriteStartArray("events");
                    foreach (var e in events)
                    {
                        if (e.Json.IsEmpty)
                        {
                            AgUiJson.Serialize(writer, e.Event);
                        }
                        else
                        {
                            writer.WriteRawValue(e.Json.Span, skipInputValidation: true);
                        }
                    }
                    writer.WriteEndArray();
                    break;
                case "state":
                    writer.WritePropertyName("state");
                    var snapshot = events.Select(e => e.Event).OfType<StateSnapshotEvent>().LastOrDefault()?.Snapshot;
                    if (snapshot is { ValueKind: JsonValueKind.Object } state)
                    {
                        state.WriteTo(writer);
                    }
                    else
                    {
                        writer.WriteNullValue();
                    }
                    break;
                default:
                    writer.WriteStartArray("messages");
                    foreach (var message in Messages(events))
                    {
                        WriteMessage(writer, message);
                    }
                    writer.WriteEndArray();
                    break;
            }
            writer.WriteEndObject();
        }
        await httpContext.Response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }

    /// <summary>The stored runs' conversation: per run, its new input messages, then what its events built (by id, first wins).</summary>
    internal static List<Message> Messages(IReadOnlyList<RunnerEvent> events)
    {
        var messages = new List<Message>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        MessageReconstructor? run = null;
        void Flush()
        {
            foreach (var m in run?.Messages() ?? [])
            {
                if (seen.Add(m.Id))
                {
                    messages.Add(m);
                }
            }
            run = null;
        }
        foreach (var item in events)
        {
            var e = item.Event;
            if (e is RunStartedEvent started)
            {
                Flush();
                foreach (var m in started.Input?.Messages ?? [])
                {
                    if (seen.Add(m.Id))
                    {
                        messages.Add(m);
                    }
                }
            }
            (run ??= new MessageReconstructor()).Observe(e);
        }
        Flush();
        return messages;
    }

    private static void WriteMessage(Utf8JsonWriter writer, Message message)
    {
        writer.WriteStartObject();
        writer.WriteString("id", message.Id);
        writer.WriteString("role", message.Role);
        if (message.Content is { } content)
        {
            writer.WritePropertyName("content");
            content.WriteTo(writer);
        }
        if (message.Role == MessageRoles.Assistant && message.ToolCalls is { Count: > 0 } calls)
        {
            writer.WriteStartArray("toolCalls");
            foreach (var call in calls)
            {
                writer.WriteStartObject();
                writer.WriteString("id", call.Id);
                writer.WriteString("name", call.Function.Name);
                writer.WriteString("args", call.Function.Arguments);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        if (message.Role == MessageRoles.Tool)
        {
            writer.WriteString("toolCallId", message.ToolCallId);
        }
        writer.WriteEndObject();
    }
}
