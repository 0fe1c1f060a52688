namespace CopilotAspire.Runtime.Http;

/// <summary>The reply of <c>stop</c>: <c>{"stopped", "message"?, "interrupt"?}</c>.</summary>
public sealed record StopResponse(bool Stopped, string? Message = null, StopInterrupt? Interrupt = null);
