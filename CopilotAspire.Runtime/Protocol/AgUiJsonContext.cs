using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json;

namespace CopilotAspire.Runtime.Protocol;

/// <summary>
/// Source-generated JSON for the AG-UI wire: camelCase, absent fields omitted, and (through
/// <see cref="AgUiJson.Options"/>) the relaxed escaping of JavaScript's <c>JSON.stringify</c>.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(AgUiEvent))]
[JsonSerializable(typeof(RunAgentInput))]
[JsonSerializable(typeof(Message))]
[JsonSerializable(typeof(IReadOnlyList<Message>))]
[JsonSerializable(typeof(IReadOnlyList<ToolCall>))]
[JsonSerializable(typeof(IReadOnlyList<AgUiEvent>))]
[JsonSerializable(typeof(List<AgUiEvent>))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(string))]
public sealed partial class AgUiJsonContext : JsonSerializerContext;
