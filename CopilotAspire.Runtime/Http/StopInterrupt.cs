namespace CopilotAspire.Runtime.Http;

/// <summary>
/// The informational <c>interrupt</c> of a successful stop's answer (wire spec §2.6):
/// <c>{"type":"RUN_ERROR","message":"Run stopped by user","code":"STOPPED"}</c>. The run's stream itself ends with
/// <c>RUN_FINISHED</c>.
/// </summary>
/// <param name="Type">Always <c>RUN_ERROR</c>.</param>
/// <param name="Message"><see cref="Protocol.RunErrorCodes.StoppedMessage"/>.</param>
/// <param name="Code"><see cref="Protocol.RunErrorCodes.Stopped"/>.</param>
public sealed record StopInterrupt(string Type, string Message, string Code);
