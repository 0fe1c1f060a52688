namespace CopilotAspire.Runtime.Http;

public sealed record StopInterrupt(string Type, string Message, string Code);
