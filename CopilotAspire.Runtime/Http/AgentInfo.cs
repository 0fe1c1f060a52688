using System.Text.Json;

namespace CopilotAspire.Runtime.Http;

public sealed record AgentInfo(string Name, string Description, string ClassName, JsonElement? Capabilities = null);
