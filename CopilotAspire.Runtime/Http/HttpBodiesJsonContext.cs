using System.Text.Json;
using System.Text.Json.Serialization;

namespace CopilotAspire.Runtime.Http;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(StopResponse))]
[JsonSerializable(typeof(RuntimeInfo))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(Runners.Threads.ThreadPage))]
[JsonSerializable(typeof(Runners.Threads.ThreadRecord))]
[JsonSerializable(typeof(ThreadArchived))]
[JsonSerializable(typeof(ThreadDeleted))]
internal sealed partial class HttpBodiesJsonContext : JsonSerializerContext
{
    public static HttpBodiesJsonContext Relaxed { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Encoder = CopilotAspire.Runtime.Protocol.JsonStringifyEncoder.Instance });
}
