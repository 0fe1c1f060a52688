using System.Buffers;
using System.Text.Json;
using CopilotAspire.Runtime.Protocol;
using CopilotAspire.Runtime.Runners.Threads;
using Microsoft.AspNetCore.Http;

namespace CopilotAspire.Runtime.Http;

/// <summary>
/// The answer of <c>GET threads</c>: <c>{"threads":[…],"nextCursor":…}</c> written straight to the response with
/// property names encoded once, byte for byte what the serializer writes for <see cref="ThreadPage"/> with
/// <see cref="HttpBodiesJsonContext.Relaxed"/> (its custom encoder keeps the serializer off its fast path, and a page
/// of 50 threads is 400 properties: the list route's largest cost after HTTP itself).
/// </summary>
internal sealed class ThreadPageResult(ThreadPage page) : IResult
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JsonStringifyEncoder.Instance, SkipValidation = true };
    private static readonly JsonEncodedText Threads = Encode("threads");
    private static readonly JsonEncodedText NextCursor = Encode("nextCursor");
    private static readonly JsonEncodedText Id = Encode("id");
    private static readonly JsonEncodedText Name = Encode("name");
    private static readonly JsonEncodedText AgentId = Encode("agentId");
    private static readonly JsonEncodedText OrganizationId = Encode("organizationId");
    private static readonly JsonEncodedText CreatedById = Encode("createdById");
    private static readonly JsonEncodedText Archived = Encode("archived");
    private static readonly JsonEncodedText CreatedAt = Encode("createdAt");
    private static readonly JsonEncodedText UpdatedAt = Encode("updatedAt");

    public ThreadPage Page { get; } = page;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json";
        Write(httpContext.Response.BodyWriter, Page);
        await httpContext.Response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }

    /// <summary>Writes <paramref name="page"/> as the serializer would (record properties in declaration order, null ones left out but <c>name</c>).</summary>
    internal static void Write(IBufferWriter<byte> output, ThreadPage page)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteStartArray(Threads);
        foreach (var thread in page.Threads)
        {
            writer.WriteStartObject();
            WriteString(writer, Id, thread.Id);
            writer.WriteString(Name, thread.Name); // always written: null until the thread is renamed
            WriteString(writer, AgentId, thread.AgentId);
            WriteString(writer, OrganizationId, thread.OrganizationId);
            WriteString(writer, CreatedById, thread.CreatedById);
            writer.WriteBoolean(Archived, thread.Archived);
            WriteString(writer, CreatedAt, thread.CreatedAt);
            WriteString(writer, UpdatedAt, thread.UpdatedAt);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteString(NextCursor, page.NextCursor);
        writer.WriteEndObject();
    }

    /// <summary>A string property, left out when null (the context's <c>WhenWritingNull</c>).</summary>
    private static void WriteString(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static JsonEncodedText Encode(string name) => JsonEncodedText.Encode(name, JsonStringifyEncoder.Instance);
}
