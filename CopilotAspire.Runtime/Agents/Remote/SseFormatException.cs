namespace CopilotAspire.Runtime.Agents.Remote;

/// <summary>A server-sent event stream breaks a limit (an event or a line too large).</summary>
internal sealed class SseFormatException(string message) : Exception(message);
