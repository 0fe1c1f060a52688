using CopilotAspire.Runtime.Protocol;

namespace CopilotAspire.Runtime.Pipeline;

/// <summary>An agent broke the AG-UI event rules; the message is the one the official verifier uses.</summary>
public sealed class ProtocolViolationException(string message) : Exception(message);
