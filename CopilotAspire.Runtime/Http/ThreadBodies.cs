using System.Text.Json;
using System.Text.Json.Serialization;
using CopilotAspire.Runtime.Runners.Threads;

namespace CopilotAspire.Runtime.Http;

/// <summary>The answer of <c>POST threads/{threadId}/archive</c>: <c>{threadId, archived: true}</c> (the official shape).</summary>
internal sealed record ThreadArchived(string ThreadId, bool Archived);

/// <summary>The answer of <c>DELETE threads/{threadId}</c>: <c>{threadId, deleted: true}</c> (the official shape).</summary>
internal sealed record ThreadDeleted(string ThreadId, bool Deleted);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ThreadPage))]
[JsonSerializable(typeof(ThreadRecord))]
[JsonSerializable(typeof(ThreadArchived))]
[JsonSerializable(typeof(ThreadDeleted))]
internal sealed partial class ThreadsJsonContext : JsonSerializerContext
{
    public static ThreadsJsonContext Relaxed { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = CopilotAspire.Runtime.Protocol.JsonStringifyEncoder.Instance,
    });
}
