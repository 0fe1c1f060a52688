namespace CopilotAspire.Runtime.Http;

/// <summary>The reply of <c>stop</c>: <c>{"stopped", "message"?, "interrupt"?}</c>.</summary>
/// <param name="Stopped">Whether the thread's active run was asked to stop.</param>
/// <param name="Message">Why nothing was stopped (no active run, or another run is active); omitted when it was.</param>
/// <param name="Interrupt">The informational interrupt of a successful stop; omitted otherwise.</param>
public sealed record StopResponse(bool Stopped, string? Message = null, StopInterrupt? Interrupt = null);
