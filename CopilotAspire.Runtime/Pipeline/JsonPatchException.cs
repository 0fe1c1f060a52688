using System.Text.Json.Nodes;

namespace CopilotAspire.Runtime.Pipeline;

public sealed class JsonPatchException(string message) : Exception(message);
